"""A quarter ready to publish: its months closed, reviewed by the 民主理财小组 and the
township (for tests that publish through a worker or another host)."""

from __future__ import annotations

import sqlalchemy as sa

from coopledger.auth.models import User
from coopledger.disclosure import services as disclosures
from coopledger.extensions import db
from coopledger.ledger import periods
from coopledger.orgs.models import Organisation


def user(name: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == name)).one()


def reviewed_first_quarter(org: Organisation, year: int = 2024) -> int:
    """Close January to March, draft the quarter and take it through both reviews; commits
    and returns the disclosure's id."""
    accountant = user("accountant")
    for month in (1, 2, 3):
        periods.close_month(org, year, month, by=accountant)
    disclosure = disclosures.draft(org, f"{year}-Q1", by=accountant)
    disclosures.submit(disclosure, by=accountant)
    disclosures.review(disclosure, agrees=True, comment="", by=user("supervisor"))
    disclosures.township_review(disclosure, agrees=True, opinion="无异议", by=user("auditor"))
    db.session.commit()
    return disclosure.id
