"""Reads about disclosures with a public meaning: which organisations publish, the latest
publication of each, a member's own questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.disclosure.models import Disclosure, DisclosureState, Question
from coopledger.extensions import db
from coopledger.orgs.models import Organisation, Township, Village

if TYPE_CHECKING:
    from coopledger.auth.models import User


def publishing_organisations() -> list[tuple[Township, Village, Organisation]]:
    """Every organisation with at least one published disclosure, by township and village, so
    that a villager without the notice board's QR code finds their village's page."""
    published = sa.select(Disclosure.organisation_id).where(
        Disclosure.state == DisclosureState.PUBLISHED)
    rows = db.session.execute(
        sa.select(Township, Village, Organisation)
        .join(Village, Village.township_id == Township.id)
        .join(Organisation, Organisation.village_id == Village.id)
        .where(Organisation.id.in_(published))
        .order_by(Township.name, Village.name, Organisation.name)).all()
    return [(t, v, o) for t, v, o in rows]


def latest_publication(organisation_ids: list[int]) -> dict[int, Disclosure]:
    """Each organisation's most recently published disclosure (for a member's home)."""
    found: dict[int, Disclosure] = {}
    for disclosure in db.session.scalars(sa.select(Disclosure).where(
            Disclosure.organisation_id.in_(organisation_ids),
            Disclosure.state == DisclosureState.PUBLISHED)
            .order_by(Disclosure.published_at, Disclosure.id)):
        found[disclosure.organisation_id] = disclosure
    return found


def questions_of(user_id: int, *, limit: int = 5) -> list[Question]:
    """The user's own questions on publications, newest first, with their answers."""
    return list(db.session.scalars(sa.select(Question).where(Question.asked_by_id == user_id)
                                   .order_by(Question.asked_at.desc()).limit(limit)))


def awaiting_committee(org: Organisation, user: User) -> list[Disclosure]:
    """The organisation's disclosures waiting for the 民主理财小组's review that ``user`` may
    review now (the disclosure's one steps rule), oldest first (the supervisor's work queue)."""
    from coopledger.disclosure.services import steps_for

    return [disclosure for disclosure in db.session.scalars(sa.select(Disclosure).where(
        Disclosure.organisation_id == org.id, Disclosure.state == DisclosureState.REVIEWING)
        .order_by(Disclosure.id)) if "review" in steps_for(disclosure, user)]
