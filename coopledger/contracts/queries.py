"""Reading the partner register: search by name, code or contact, ordered by name."""

from __future__ import annotations

import sqlalchemy as sa

from coopledger.contracts.models import Partner, PartnerKind
from coopledger.orgs.models import Organisation


def partners_query(org: Organisation, search: str = "", kind: str = "",
                   ) -> sa.Select[Partner]:
    """The organisation's partners matching a search text and kind, ordered by name."""
    query = sa.select(Partner).where(Partner.organisation_id == org.id)
    text = search.strip()
    if text:
        pattern = f"%{text}%"
        query = query.where(sa.or_(Partner.name.ilike(pattern),
                                   Partner.credit_code.ilike(pattern),
                                   Partner.contact_name.ilike(pattern),
                                   Partner.legal_representative.ilike(pattern)))
    if kind in {k.value for k in PartnerKind}:
        query = query.where(Partner.kind == PartnerKind(kind))
    return query.order_by(Partner.name, Partner.id)
