"""The demo disclosures, loaded after an organisation's demo books: quarterly publications of
the closed year and the current one (each posted on its deadline day), one corrected, one with
a member's question and the accountant's answer, 党务/村务 items, and a special disclosure of
the leases. A row whose months the demo books have not closed yet (the world dated to the day
it is loaded, sample_dating) is not published: its period is the one due."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from coopledger.auth.models import User
from coopledger.disclosure import notice, rules, services
from coopledger.disclosure.models import Disclosure, PostCategory, SpecialTopic
from coopledger.extensions import db
from coopledger.files.stores import Store
from coopledger.ledger.models import Period
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.orgs.models import Organisation


def _user(username: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == username)).one()


def _closed(org: Organisation, key: str) -> bool:
    """Whether every month of the period is closed in the books."""
    period = rules.period_of(key)
    months = {(year, month) for year in range(period.start.year, period.end.year + 1)
              for month in range(1, 13)
              if period.start.replace(day=1) <= dt.date(year, month, 1) <= period.end}
    closed = set(db.session.execute(sa.select(Period.year, Period.month).where(
        Period.organisation_id == org.id, Period.closed_at.is_not(None))).tuples())
    return months <= closed


def _through(disclosure: Disclosure, row: dict[str, Any], *, by: User, today: dt.date) -> None:
    services.submit(disclosure, by=by)
    for name in row["reviewers"]:
        services.review(disclosure, agrees=True, comment="已核对", by=_user(name))
    services.township_review(disclosure, agrees=True, opinion="经审核，无异议。",
                             by=_user(row["township"]))


def load(org: Organisation, rows: list[dict[str, Any]], *, storage: Store, today: dt.date) -> int:
    """Publish the rows' periods in order; returns how many versions were published."""
    made = 0
    for row in rows:
        topic = row.get("topic", "")
        if services.versions_of(org, row["period"], topic) or not _closed(org, row["period"]):
            continue
        accountant = _user(row["accountant"])
        settings = services.settings_of(org)
        posted = rules.deadline(rules.period_of(row["period"]), day=settings.deadline_day) \
            - dt.timedelta(days=int(row.get("days_early", 0)))
        disclosure = services.draft_special(org, SpecialTopic(topic), row["period"],
                                            title=row.get("title", ""), by=accountant) \
            if topic else services.draft(org, row["period"], by=accountant)
        if row.get("explanation"):
            services.explain(disclosure, row["explanation"], by=accountant)
        for post in row.get("posts", []):
            services.add_post(disclosure, category=PostCategory(post["category"]),
                              title=post["title"], body=post.get("body", ""),
                              attachment=(PLACEHOLDER_PNG, f"{post['title']}.png")
                              if post.get("attachment") else None,
                              storage=storage, by=accountant)
        _through(disclosure, row, by=accountant, today=today)
        services.publish(disclosure, render_pdf=notice.render_both, storage=storage,
                         by=accountant, posted_on=posted, today=today)
        made += 1
        if row.get("question"):
            question = services.ask(disclosure, row["question"], by=_user(row["asked_by"]))
            services.answer(question, row["answer"], by=accountant)
        if row.get("correction"):
            corrected = services.correct(disclosure, reason=row["correction"], by=accountant)
            services.explain(corrected, row["corrected_explanation"], by=accountant)
            _through(corrected, row, by=accountant, today=today)
            services.publish(corrected, render_pdf=notice.render_both, storage=storage,
                             by=accountant,
                             posted_on=posted + dt.timedelta(days=int(row["corrected_after"])),
                             today=today)
            made += 1
    return made
