"""The disclosure workflow: settings, drafting from the ledger, explanations and posts, the
民主理财小组 review, the township review, publication (the frozen, chained snapshot) and
corrections; flushes, never commits.

Rules: a period is drafted and published only when every month in it is closed and nothing
dated in it is unposted; figures are generated, the accountant adds explanations and posts but
never changes a figure. Only 民主理财小组 members (the organisation's supervisor role) review;
one disagreement sends the draft back with its comment, and it goes on to the township once
every member has agreed in the current round. A township auditor of the organisation's
township records the opinion; a disagreement also sends it back. Publishing freezes the
contents, PDF, ledger head and the hash chained to the organisation's previous publication;
nothing published changes; a correction is a new version naming the one it corrects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from coopledger.audit.services import record
from coopledger.auth.models import User
from coopledger.auth.permissions import audited_township_ids, org_roles, permitted
from coopledger.auth.roles import Role
from coopledger.dates import utcnow
from coopledger.disclosure import contents as generated
from coopledger.disclosure import rules
from coopledger.disclosure.models import (
    Answer,
    Disclosure,
    DisclosureKind,
    DisclosurePost,
    DisclosureReview,
    DisclosureSettings,
    DisclosureState,
    PostCategory,
    Question,
    SpecialTopic,
)
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.files.scans import read_verified, store_scan, text_of_pdf
from coopledger.files.stores import Store
from coopledger.i18n import N_
from coopledger.ledger.books import find_period, lock_book
from coopledger.ledger.models import Voucher, VoucherState
from coopledger.locking import lock
from coopledger.money import plain
from coopledger.orgs.models import Organisation
from coopledger.workflow import Steps


class DisclosureError(CoopLedgerError):
    """A disclosure action that is not allowed now."""

    message = N_("公开操作未能完成。")


def shows_names(org: Organisation) -> bool:
    """Whether the organisation posts members' full names (distribution.public_names)."""
    return settings_of(org).show_names


def settings_of(org: Organisation) -> DisclosureSettings:
    """The organisation's calendar settings (quarterly, by the 15th, posted 15 days if unset)."""
    found = db.session.scalar(sa.select(DisclosureSettings).where(
        DisclosureSettings.organisation_id == org.id))
    return found or default_settings(org)


def default_settings(org: Organisation) -> DisclosureSettings:
    """The calendar of an organisation that has set none (not added to the session)."""
    return DisclosureSettings(organisation_id=org.id, frequency=rules.Frequency.QUARTERLY,
                              deadline_day=15, posting_days=15,
                              itemise_from=rules.ITEMISE_FROM, show_names=False)


def save_settings(org: Organisation, *, frequency: rules.Frequency, deadline_day: int,
                  posting_days: int, itemise_from: Decimal, by: User,
                  show_names: bool = False) -> DisclosureSettings:
    """Change the calendar, the board notice's threshold for listing items one by one and
    whether people's names appear in full on public pages."""
    if not 1 <= deadline_day <= 31:
        raise DisclosureError(N_("公开期限须是下月的第 1 至 31 日。"))
    if posting_days < 15:
        raise DisclosureError(N_("公开栏张贴时间不能少于 15 天。"))
    if itemise_from < 0:
        raise DisclosureError(N_("逐笔列示的起点金额不能是负数。"))
    settings = settings_of(org)
    settings.frequency, settings.deadline_day = frequency, deadline_day
    settings.posting_days, settings.itemise_from = posting_days, itemise_from
    settings.show_names = show_names
    db.session.add(settings)
    db.session.flush()
    record("disclosure.settings", org, by=by, label=org.name,
           after={"frequency": frequency.value, "deadline_day": deadline_day,
                  "posting_days": posting_days, "itemise_from": plain(itemise_from),
                  "show_names": show_names})
    return settings


def _months(period: rules.Period) -> list[tuple[int, int]]:
    months, day = [], period.start
    while day <= period.end:
        months.append((day.year, day.month))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def check_publishable(org: Organisation, period: rules.Period) -> None:
    """Refuse a period with an open month or an unposted voucher, saying which."""
    open_months = [f"{y}-{m:02d}" for y, m in _months(period)
                   if (found := find_period(org.id, y, m)) is None or not found.is_closed]
    if open_months:
        raise DisclosureError(N_("%(months)s 还没有结账；期间结账后才能生成和公开财务公开。"),
                              months="、".join(open_months))
    unposted = generated.unposted_in(org, period.start, period.end)
    if unposted:
        raise DisclosureError(N_("期间内还有 %(n)d 张凭证没有记账，不能公开。"), n=unposted)


def _title(org: Organisation, period: rules.Period) -> str:
    return str(CoopLedgerError(N_("%(org)s%(period)s财务公开"), org=org.name,
                               period=period_label(period)))


def shown_title(disclosure: Disclosure) -> str:
    """The title in the reader's language: a period's disclosure is titled afresh (the stored
    title is in the language of whoever drafted it); a special disclosure keeps its own."""
    if disclosure.topic:
        return disclosure.title
    try:
        period = rules.period_of(disclosure.period_key)
    except (ValueError, KeyError):
        return disclosure.title
    return _title(disclosure.organisation, period)


def period_label(period: rules.Period) -> str:
    """The period as people say it: 2025年第3季度, 2025年3月, 2025年度."""
    if period.annual:
        label = str(CoopLedgerError(N_("%(year)s年度"), year=period.key))
    elif "Q" in period.key:
        label = str(CoopLedgerError(N_("%(year)s年第%(quarter)s季度"), year=period.key[:4],
                                    quarter=period.key[-1]))
    else:
        label = str(CoopLedgerError(N_("%(year)s年%(month)s月"), year=period.key[:4],
                                    month=str(int(period.key[5:]))))
    return label


def versions_of(org: Organisation, key: str, topic: str = "") -> list[Disclosure]:
    """Every version of a period's disclosure (or of a special one on ``topic``), oldest
    first."""
    kind = Disclosure.kind == DisclosureKind.SPECIAL if topic else \
        Disclosure.kind != DisclosureKind.SPECIAL
    return list(db.session.scalars(sa.select(Disclosure).where(
        Disclosure.organisation_id == org.id, Disclosure.period_key == key, kind,
        Disclosure.topic == topic).order_by(Disclosure.version)))


def specials_of(org: Organisation) -> list[Disclosure]:
    """The organisation's special disclosures, newest first."""
    return list(db.session.scalars(sa.select(Disclosure).where(
        Disclosure.organisation_id == org.id, Disclosure.kind == DisclosureKind.SPECIAL)
        .order_by(Disclosure.end.desc(), Disclosure.topic, Disclosure.version)))


def draft(org: Organisation, key: str, *, by: User) -> Disclosure:
    """Generate the first version of a period's financial disclosure."""
    try:
        period = rules.period_of(key)
    except ValueError:
        raise DisclosureError(N_("期间“%(key)s”无法识别。"), key=key) from None
    if versions_of(org, key):
        raise DisclosureError(N_("%(key)s 的公开已经生成；已公开的请用“更正”生成新版本。"),
                              key=key)
    return _new_version(org, period, version=1, corrects=None, reason="", by=by)


def draft_special(org: Organisation, topic: SpecialTopic, key: str, *, title: str,
                  by: User) -> Disclosure:
    """A special disclosure (专项公开) of a matter in a period: its written items with the
    period's figures from the ledger (contracts and what they brought in, 收支明细)."""
    try:
        period = rules.period_of(key)
    except ValueError:
        raise DisclosureError(N_("期间“%(key)s”无法识别。"), key=key) from None
    if versions_of(org, key, topic.value):
        raise DisclosureError(N_("%(key)s 的这项专项公开已经生成；已公开的请用“更正”生成新版本。"),
                              key=key)
    name = title.strip() or str(CoopLedgerError(
        N_("%(org)s%(topic)s专项公开（%(key)s）"), org=org.name,
        topic=str(CoopLedgerError(topic.label)), key=key))
    return _new_version(org, period, version=1, corrects=None, reason="", by=by,
                        topic=topic.value, title=name[:200])


def _new_version(org: Organisation, period: rules.Period, *, version: int,
                 corrects: Disclosure | None, reason: str, by: User, topic: str = "",
                 title: str = "") -> Disclosure:
    check_publishable(org, period)
    settings = settings_of(org)
    body = generated.generate(org, period.start, period.end, key=period.key,
                              itemise_from=settings.itemise_from,
                              show_names=settings.show_names)
    kind = DisclosureKind.SPECIAL if topic else \
        DisclosureKind.ANNUAL if period.annual else DisclosureKind.PERIODIC
    disclosure = Disclosure(
        organisation=org, period_key=period.key, start=period.start, end=period.end,
        kind=kind, topic=topic, version=version, corrects=corrects,
        correction_reason=reason.strip()[:500], title=title or _title(org, period),
        contents=rules.canonical_json(body).decode("utf-8"), created_by_id=by.id,
        created_at=utcnow())
    db.session.add(disclosure)
    db.session.flush()
    record("disclosure.draft", disclosure, by=by, label=disclosure.title,
           after={"period": period.key, "version": version})
    return disclosure


def correct(published: Disclosure, *, reason: str, by: User) -> Disclosure:
    """A new version of a published disclosure, naming it and why."""
    lock(published)
    steps_for(published, by).require("correct", DisclosureError)
    if not reason.strip():
        raise DisclosureError(N_("更正须写明原因。"))
    versions = versions_of(published.organisation, published.period_key, published.topic)
    return _new_version(published.organisation, rules.period_of(published.period_key),
                        version=max(v.version for v in versions) + 1, corrects=published,
                        reason=reason, by=by, topic=published.topic,
                        title=published.title if published.topic else "")


def steps_for(disclosure: Disclosure, user: User) -> Steps:
    """The steps ``user`` may take on ``disclosure`` now (``rules.disclosure_steps``): what
    the services allow, the disclosure page offers and the permission matrix expects."""
    org = disclosure.organisation
    published = disclosure.state is DisclosureState.PUBLISHED
    return rules.disclosure_steps(rules.DisclosureFacts(
        state=disclosure.state.value, state_label=str(CoopLedgerError(disclosure.state.label)),
        township_agreed=disclosure.township_at is not None,
        in_committee=Role.SUPERVISOR in org_roles(user, org),
        audits_township=org.township_id in audited_township_ids(user),
        pending_version=published and any(
            v.state is not DisclosureState.PUBLISHED
            for v in versions_of(org, disclosure.period_key, disclosure.topic))),
        permitted(user, org))


def _draft_only(disclosure: Disclosure, step: str, by: User) -> None:
    lock(disclosure)
    steps_for(disclosure, by).require(step, DisclosureError)


def explain(disclosure: Disclosure, text: str, *, by: User) -> Disclosure:
    """The accountant's explanations beside the generated figures."""
    _draft_only(disclosure, "explain", by)
    disclosure.explanation = text.strip()[:5000]
    db.session.flush()
    record("disclosure.explain", disclosure, by=by, label=disclosure.title)
    return disclosure


def add_post(disclosure: Disclosure, *, category: PostCategory, title: str, body: str,
             attachment: tuple[bytes, str] | None, storage: Store, by: User) -> DisclosurePost:
    """A 党务/村务 item (e.g. a meeting resolution, a tender result) in the same package."""
    _draft_only(disclosure, "add_post", by)
    if not title.strip():
        raise DisclosureError(N_("公开事项须有标题。"))
    post = DisclosurePost(disclosure=disclosure, category=category, title=title.strip()[:200],
                          body=body.strip())
    if attachment is not None:
        content, name = attachment
        post.attachment_sha256, post.attachment_type = store_scan(content, storage)
        post.attachment_name = Path(name).name[:200]
    db.session.add(post)
    db.session.flush()
    record("disclosure.post", disclosure, by=by, label=post.title)
    return post


def attached_texts(disclosure: Disclosure, storage: Store | None) -> list[tuple[str, str]]:
    """(place, text) of every PDF attached to the disclosure's posts (images carry no text
    this app can read; they are the preparer's and the reviewers' to look at)."""
    if storage is None:
        return []
    found = []
    for post in disclosure.posts:
        if post.attachment_sha256 and post.attachment_type == "application/pdf":
            content = read_verified(storage, post.attachment_sha256)
            found.append((f"公开事项“{post.title}”的附件 {post.attachment_name}",
                          text_of_pdf(content)))
    return found


def refuse_personal_numbers(body: dict[str, Any],
                            attached: list[tuple[str, str]] | None = None) -> None:
    """Nothing published carries an ID, bank or phone number (DESIGN §11): the written parts
    and the text of attached PDFs are searched (``rules.personal_numbers``) and every place is
    named."""
    found = rules.personal_numbers(body, attached or [])
    if found:
        raise DisclosureError(
            N_("公开内容含有身份证号、银行账号或电话号码，不能公开：%(places)s。请改写这些内容"
               "后再提交。"),
            places="；".join(f"{place}（{number}）" for place, number in found[:10]))


def submit(disclosure: Disclosure, *, by: User, storage: Store | None = None) -> Disclosure:
    """Send the draft to the 民主理财小组 (its written parts and attached PDFs carry no
    personal number)."""
    _draft_only(disclosure, "submit", by)
    check_publishable(disclosure.organisation, rules.period_of(disclosure.period_key))
    refuse_personal_numbers(frozen_body(disclosure, posted_from=disclosure.start,
                                        posted_until=disclosure.end),
                            attached_texts(disclosure, storage))
    disclosure.state = DisclosureState.REVIEWING
    disclosure.submitted_at = utcnow()
    db.session.flush()
    record("disclosure.submit", disclosure, by=by, label=disclosure.title)
    return disclosure


def committee(org: Organisation) -> list[User]:
    """The 民主理财小组: users holding the supervisor role on the organisation."""
    from coopledger.auth.models import RoleAssignment

    return list(db.session.scalars(sa.select(User).join(RoleAssignment).where(
        RoleAssignment.organisation_id == org.id, RoleAssignment.role == Role.SUPERVISOR,
        User.is_active_account.is_(True)).order_by(User.id)))


def review(disclosure: Disclosure, *, agrees: bool, comment: str, by: User) -> Disclosure:
    """A member's agree/disagree; disagreement returns the draft, unanimity moves it on."""
    lock(disclosure)
    steps_for(disclosure, by).require("review", DisclosureError)
    if not agrees and not comment.strip():
        raise DisclosureError(N_("不同意时请写明意见。"))
    db.session.add(DisclosureReview(disclosure=disclosure, user_id=by.id, agrees=agrees,
                                    comment=comment.strip()[:1000], at=utcnow()))
    db.session.flush()
    if not agrees:
        disclosure.state = DisclosureState.DRAFT
    else:
        submitted = disclosure.submitted_at
        agreed = {r.user_id for r in disclosure.reviews
                  if r.agrees and submitted is not None and r.at >= submitted}
        if all(member.id in agreed for member in committee(disclosure.organisation)):
            disclosure.state = DisclosureState.TOWNSHIP
    db.session.flush()
    record("disclosure.review", disclosure, by=by, label=disclosure.title,
           after={"agrees": agrees, "comment": comment.strip()[:200]})
    return disclosure


def township_review(disclosure: Disclosure, *, agrees: bool, opinion: str,
                    by: User) -> Disclosure:
    """The township auditor's opinion; a disagreement returns the draft."""
    lock(disclosure)
    steps_for(disclosure, by).require("township", DisclosureError)
    if not opinion.strip():
        raise DisclosureError(N_("请填写审核意见。"))
    disclosure.township_opinion = opinion.strip()[:1000]
    disclosure.township_by_id = by.id
    disclosure.township_at = utcnow() if agrees else None
    if not agrees:
        disclosure.state = DisclosureState.DRAFT
    db.session.flush()
    record("disclosure.township", disclosure, by=by, label=disclosure.title,
           after={"agrees": agrees, "opinion": opinion.strip()[:200]})
    return disclosure


def ledger_head(org: Organisation, end: dt.date) -> str:
    """The organisation's voucher hash chain at its last voucher dated in or before the period."""
    head = db.session.scalar(sa.select(Voucher.chain_hash).where(
        Voucher.organisation_id == org.id, Voucher.state == VoucherState.POSTED,
        Voucher.on <= end).order_by(Voucher.post_seq.desc()).limit(1))
    return head or rules.GENESIS


def last_hash(org: Organisation) -> str:
    """The hash of the organisation's latest publication (the chain's genesis if none)."""
    found = db.session.scalar(sa.select(Disclosure.hash).where(
        Disclosure.organisation_id == org.id, Disclosure.state == DisclosureState.PUBLISHED)
        .order_by(Disclosure.published_at.desc(), Disclosure.id.desc()).limit(1))
    return found or rules.GENESIS


def frozen_body(disclosure: Disclosure, *, posted_from: dt.date,
                posted_until: dt.date) -> dict[str, Any]:
    """Everything the publication shows, as hashed."""
    return {
        "title": disclosure.title, "version": disclosure.version,
        "corrects": disclosure.corrects.short_code if disclosure.corrects else None,
        "correction_reason": disclosure.correction_reason,
        "contents": json.loads(disclosure.contents), "explanation": disclosure.explanation,
        "posts": [{"category": p.category.value, "title": p.title, "body": p.body,
                   "attachment": p.attachment_sha256 or ""} for p in disclosure.posts],
        "reviews": [{"by": r.user.display_name, "agrees": r.agrees, "comment": r.comment,
                     "at": r.at.isoformat()} for r in disclosure.reviews],
        "township_opinion": disclosure.township_opinion,
        "posted_from": posted_from.isoformat(), "posted_until": posted_until.isoformat(),
    }


Renderer = Callable[[Disclosure, dict[str, Any]], tuple[bytes, bytes]]


def publish(disclosure: Disclosure, *, render_pdf: Renderer, storage: Store, by: User,
            progress: Callable[[int, str], None] | None = None,
            posted_on: dt.date | None = None, today: dt.date) -> Disclosure:
    """Freeze and publish: canonical JSON, the A4 and A3 notices, ledger head and the chained
    hash (taken over both notices, A4 then A3). ``posted_on`` records when an earlier notice
    went up, for loading a history of postings (it is frozen like the rest).

    The organisation's book row is locked first (one publication of the organisation at a time,
    so two cannot chain to the same predecessor), then the disclosure, whose state is re-checked.
    ``progress`` must not commit this transaction (the job writes it on its own connection).
    """
    org = disclosure.organisation
    lock_book(org.id)
    lock(disclosure)
    steps_for(disclosure, by).require("publish", DisclosureError)
    check_publishable(org, rules.period_of(disclosure.period_key))
    settings = settings_of(org)
    posted_from = posted_on or today
    if posted_from > today:
        raise DisclosureError(N_("张贴日期不能晚于今天。"))
    posted_until = posted_from + dt.timedelta(days=settings.posting_days)
    body = frozen_body(disclosure, posted_from=posted_from, posted_until=posted_until)
    refuse_personal_numbers(body, attached_texts(disclosure, storage))
    frozen = rules.canonical_json(body)
    if progress:
        progress(20, N_("正在生成公开 PDF"))
    previous = last_hash(org)
    head = ledger_head(org, disclosure.end)
    code = rules.code_of(previous, frozen, head)
    a4, a3 = render_pdf(disclosure, {**body, "short_code": code})
    if progress:
        progress(80, N_("正在保存并计算校验码"))
    disclosure.pdf_sha256 = hashlib.sha256(a4).hexdigest()
    disclosure.a3_sha256 = hashlib.sha256(a3).hexdigest()
    for digest, content in ((disclosure.pdf_sha256, a4), (disclosure.a3_sha256, a3)):
        storage.put(f"disclosures/{digest}.pdf", content)
    disclosure.frozen = frozen.decode("utf-8")
    disclosure.ledger_head, disclosure.previous_hash = head, previous
    disclosure.hash = rules.publication_hash(previous, frozen, a4 + a3, head)
    disclosure.short_code = code
    disclosure.posted_from, disclosure.posted_until = posted_from, posted_until
    disclosure.published_at = utcnow()
    disclosure.state = DisclosureState.PUBLISHED
    db.session.flush()
    record("disclosure.publish", disclosure, by=by, label=disclosure.title,
           after={"hash": disclosure.hash, "short_code": disclosure.short_code})
    return disclosure


def refuse_reopening_published(org: Organisation, year: int, month: int) -> None:
    """Reopen guard (``ledger.periods.REOPEN_GUARDS``): a month a publication covers stays
    closed; a mistake found later is corrected in a later month and a new version."""
    day = dt.date(year, month, 1)
    covering = db.session.scalar(sa.select(Disclosure).where(
        Disclosure.organisation_id == org.id, Disclosure.state == DisclosureState.PUBLISHED,
        Disclosure.start <= day, Disclosure.end >= day).limit(1))
    if covering is not None:
        raise DisclosureError(N_("%(year)d年%(month)d月已由“%(title)s”（校验码 %(code)s）公开，"
                                 "不能反结账；如需更正，请在以后月份调整并发布更正版本。"),
                              year=year, month=month, title=covering.title,
                              code=covering.short_code or "")


def ask(disclosure: Disclosure, text: str, *, by: User) -> Question:
    """A member's question (质询) on a publication."""
    if disclosure.state is not DisclosureState.PUBLISHED:
        raise DisclosureError(N_("只能对已公开的内容提出质询。"))
    if not text.strip():
        raise DisclosureError(N_("请写下要询问的内容。"))
    question = Question(disclosure=disclosure, asked_by_id=by.id, text=text.strip()[:1000],
                        asked_at=utcnow())
    db.session.add(question)
    db.session.flush()
    record("disclosure.ask", disclosure, by=by, label=disclosure.title)
    return question


def answer(question: Question, text: str, *, by: User) -> Question:
    """The accountant's answer, visible to the members and the township. A changed answer is
    a new version (``Answer``): the earlier ones stay on the page and in the audit log."""
    if not text.strip():
        raise DisclosureError(N_("请填写答复内容。"))
    lock(question)
    before = question.answer
    question.answer = text.strip()[:2000]
    question.answered_by_id = by.id
    question.answered_at = utcnow()
    db.session.add(Answer(question=question, text=question.answer, by_id=by.id,
                          at=question.answered_at))
    db.session.flush()
    record("disclosure.answer", question.disclosure, by=by, label=question.disclosure.title,
           before={"question": question.id, "answer": before} if before else None,
           after={"question": question.id, "answer": question.answer})
    return question


def unanswered(org: Organisation, *, older_than_days: int) -> list[Question]:
    """Questions waiting longer than the configured number of days."""
    limit = utcnow() - dt.timedelta(days=older_than_days)
    return list(db.session.scalars(sa.select(Question).join(Disclosure).where(
        Disclosure.organisation_id == org.id, Question.answered_at.is_(None),
        Question.asked_at < limit).order_by(Question.asked_at)))
