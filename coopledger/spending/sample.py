"""The demo's spending requests (``[full_spending]`` of the sample world): requests of one
organisation in every state of the approval chain, filed, refused, resubmitted and approved
through the services, each with a scan. Loaded once: a second load finds them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.auth.models import User
from coopledger.extensions import db
from coopledger.files.stores import Store
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.orgs.models import Organisation
from coopledger.spending import services
from coopledger.spending.models import Method, SpendingRequest


def _user(name: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == name)).one()


def load(config: dict[str, Any], *, storage: Store, today: dt.date) -> tuple[int, int]:
    """File the configured requests and take each through its steps; returns (made, found)."""
    org = db.session.scalars(sa.select(Organisation).where(
        Organisation.code == config["org"])).one()
    existing = db.session.scalar(sa.select(sa.func.count(SpendingRequest.id)).where(
        SpendingRequest.organisation_id == org.id)) or 0
    if existing:
        return 0, int(existing)
    filer = _user(config["filer"])
    for row in config.get("requests", []):
        request = services.save_request(
            org, None, amount=Decimal(row["amount"]), payee=row["payee"],
            payee_bank=row.get("payee_bank", ""), payee_account=row.get("payee_account", ""),
            purpose=row["purpose"], account_code=row["account"], method=Method(row["method"]),
            resolution_ref=row.get("resolution", ""),
            scans=[(PLACEHOLDER_PNG, f"{row['purpose'][:20]}.png")], storage=storage,
            by=filer, today=today)
        if not row.get("submit", True):
            continue
        services.submit(request, by=filer)
        if row.get("refused_by"):
            *earlier, refuser = row["refused_by"]
            for name in earlier:
                services.approve(request, by=_user(name))
            services.refuse(request, reason=row["refusal"], by=_user(refuser))
            services.add_scan(request, content=PLACEHOLDER_PNG, filename="维修合同及预算表.png",
                              storage=storage, by=filer)
            services.submit(request, by=filer)
        for name in row.get("approvers", []):
            services.approve(request, by=_user(name))
    db.session.flush()
    return len(config.get("requests", [])), 0
