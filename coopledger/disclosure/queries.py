"""Reads about disclosures with a public meaning: which organisations publish."""

from __future__ import annotations

import sqlalchemy as sa

from coopledger.disclosure.models import Disclosure, DisclosureState
from coopledger.extensions import db
from coopledger.orgs.models import Organisation, Township, Village


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
