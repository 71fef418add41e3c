"""Reads of the register: holdings on a date (SQL fold), a holder's history, the register."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.extensions import db
from coopledger.shares.models import (
    OperationKind,
    OperationState,
    ShareAccount,
    ShareClass,
    ShareOperation,
)
from coopledger.shares.rules import ZERO

if TYPE_CHECKING:
    from coopledger.orgs.models import Organisation

_ops = ShareOperation.__table__.c
_QTY = sa.type_coerce(_ops.quantity, sa.BigInteger)
_IN = (OperationKind.SUBSCRIBE, OperationKind.INCREASE, OperationKind.TRANSFER,
       OperationKind.INHERIT, OperationKind.GIFT)
_OUT = (OperationKind.TRANSFER, OperationKind.INHERIT, OperationKind.GIFT, OperationKind.BUYBACK)


def _sides(org_id: int, on: dt.date) -> sa.Subquery:
    done = sa.and_(_ops.organisation_id == org_id, _ops.state == OperationState.DONE.value,
                   _ops.effective_on <= on)
    kinds = [k.value for k in _IN]
    outs = [k.value for k in _OUT]
    adjust = OperationKind.ADJUST.value
    incoming = sa.select(_ops.to_account_id.label("account"), _ops.share_class_id.label("cls"),
                         _QTY.label("held"), sa.literal(0).label("pledged")).where(
        done, sa.or_(_ops.kind.in_(kinds),
                     sa.and_(_ops.kind == adjust, _ops.to_account_id.is_not(None))))
    outgoing = sa.select(_ops.from_account_id, _ops.share_class_id, -_QTY, sa.literal(0)).where(
        done, sa.or_(_ops.kind.in_(outs),
                     sa.and_(_ops.kind == adjust, _ops.from_account_id.is_not(None))))
    pledges = sa.select(_ops.from_account_id, _ops.share_class_id, sa.literal(0),
                        sa.case((_ops.kind == OperationKind.PLEDGE.value, _QTY),
                                else_=-_QTY)).where(
        done, _ops.kind.in_([OperationKind.PLEDGE.value, OperationKind.RELEASE.value]))
    return sa.union_all(incoming, outgoing, pledges).subquery()


def holdings(org: Organisation, on: dt.date) -> dict[tuple[int, int], tuple[Decimal, Decimal]]:
    """(account, class) → (shares held, shares pledged) on a date: the fold of done operations."""
    sides = _sides(org.id, on)
    rows = db.session.execute(
        sa.select(sides.c.account, sides.c.cls, sa.func.sum(sides.c.held),
                  sa.func.sum(sides.c.pledged))
        .group_by(sides.c.account, sides.c.cls))
    return {(account, cls): (Decimal(int(held or 0)).scaleb(-4).quantize(ZERO),
                             Decimal(int(pledged or 0)).scaleb(-4).quantize(ZERO))
            for account, cls, held, pledged in rows}


def account_holdings(account: ShareAccount, on: dt.date) -> list[tuple[ShareClass, Decimal]]:
    """A holder's shares per class on a date."""
    from coopledger.orgs.models import Organisation

    org = db.session.get(Organisation, account.organisation_id)
    assert org is not None
    table = holdings(org, on)
    classes = db.session.scalars(sa.select(ShareClass).where(
        ShareClass.organisation_id == org.id).order_by(ShareClass.id))
    return [(c, table.get((account.id, c.id), (ZERO, ZERO))[0]) for c in classes]


def total_outstanding(org: Organisation, on: dt.date) -> Decimal:
    """All shares held by anyone on a date."""
    return sum((held for held, _pledged in holdings(org, on).values()), ZERO)


@dataclass(frozen=True)
class Holder:
    """A holder as the holdings table shows it (read with one query, no ORM objects)."""

    account_id: int
    household_id: int | None
    name: str

    @property
    def is_collective(self) -> bool:
        """Whether the village collective holds it."""
        return self.household_id is None


def _holders(org: Organisation) -> dict[int, Holder]:
    from coopledger.members.models import Household
    from coopledger.orgs.models import Organisation as Org

    rows = db.session.execute(
        sa.select(ShareAccount.id, ShareAccount.household_id, Household.head_name, Org.name)
        .outerjoin(Household, Household.id == ShareAccount.household_id)
        .outerjoin(Org, Org.id == ShareAccount.collective_org_id)
        .where(ShareAccount.organisation_id == org.id))
    return {account_id: Holder(account_id, household_id,
                               f"{head}户" if household_id is not None else str(collective))
            for account_id, household_id, head, collective in rows}


def holdings_table(org: Organisation, on: dt.date,
                   ) -> tuple[list[ShareClass], list[tuple[Holder, list[Decimal], Decimal]],
                              list[Decimal]]:
    """Rows of holders with shares per class (and pledged), and the column totals."""
    table = holdings(org, on)
    classes = list(db.session.scalars(sa.select(ShareClass).where(
        ShareClass.organisation_id == org.id).order_by(ShareClass.id)))
    holders = _holders(org)
    per_account: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO] * len(classes))
    pledged: dict[int, Decimal] = defaultdict(lambda: ZERO)
    index = {c.id: i for i, c in enumerate(classes)}
    for (account_id, class_id), (held, locked) in table.items():
        if held or locked:
            per_account[account_id][index[class_id]] = held
            pledged[account_id] += locked
    rows = sorted(((holders[a], values, pledged[a]) for a, values in per_account.items()),
                  key=lambda row: (not row[0].is_collective, row[0].name))
    totals = [sum((values[i] for _a, values, _p in rows), ZERO) for i in range(len(classes))]
    return classes, rows, totals


def register(org: Organisation) -> sa.Select[ShareOperation]:
    """The register in order: effective date, then number."""
    return (sa.select(ShareOperation).where(ShareOperation.organisation_id == org.id)
            .order_by(ShareOperation.effective_on, ShareOperation.number))


def account_history(account: ShareAccount) -> list[ShareOperation]:
    """Every request that involves a holder, in register order."""
    return list(db.session.scalars(sa.select(ShareOperation).where(sa.or_(
        ShareOperation.from_account_id == account.id,
        ShareOperation.to_account_id == account.id))
        .order_by(ShareOperation.effective_on, ShareOperation.number)))


def household_shares(household_id: int, on: dt.date) -> list[dict[str, object]]:
    """For each organisation where the household holds an account: shares per class on ``on``,
    its register history and its certificates (newest first)."""
    from coopledger.shares.models import Certificate

    result = []
    for account in db.session.scalars(sa.select(ShareAccount).where(
            ShareAccount.household_id == household_id)):
        certificates = list(db.session.scalars(sa.select(Certificate).where(
            Certificate.account_id == account.id)
            .order_by(Certificate.version.desc())))
        result.append({"account": account, "holdings": account_holdings(account, on),
                       "history": account_history(account), "certificates": certificates})
    return result
