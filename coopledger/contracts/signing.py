"""Pure rules of the contract register: dates, signing and the parcels a lease covers.

- A contract ends on or after the day it starts; leases, joint ventures and employment have an
  end date, an investment may be open-ended.
- A contract is signed only with the approval record required by the articles (理事会 or
  成员大会 resolution reference), approved on or before the signing day, signed on or before
  the start, and not in the future.
- A parcel is in at most one live lease on any day, and a lease covers only parcels
  contributed to the organisation on the day it starts.
"""

from __future__ import annotations

import datetime as dt

from coopledger.contracts.models import ContractKind
from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_


class ContractError(CoopLedgerError):
    """Contract data that breaks a rule."""

    message = N_("合同信息不符合规定。")


def check_period(kind: ContractKind, starts_on: dt.date, ends_on: dt.date | None) -> None:
    """The contract's period is well formed for its kind."""
    if ends_on is None:
        if kind is not ContractKind.INVESTMENT:
            raise ContractError(N_("请填写合同结束日期（只有投资入股可以不定期限）。"))
        return
    if ends_on < starts_on:
        raise ContractError(N_("结束日期 %(end)s 早于开始日期 %(start)s。"),
                            end=ends_on.isoformat(), start=starts_on.isoformat())


def check_signing(*, approval_ref: str, approved_on: dt.date | None, signed_on: dt.date,
                  starts_on: dt.date, today: dt.date) -> None:
    """Signing needs the approval record first, and happens no later than the start."""
    if not approval_ref.strip() or approved_on is None:
        raise ContractError(N_("签订合同前须经理事会或成员大会审议：请填写决议文号和决议日期。"))
    if signed_on > today:
        raise ContractError(N_("签订日期 %(on)s 在今天之后。"), on=signed_on.isoformat())
    if approved_on > signed_on:
        raise ContractError(N_("决议日期 %(approved)s 晚于签订日期 %(signed)s：须先决议后签订。"),
                            approved=approved_on.isoformat(), signed=signed_on.isoformat())
    if signed_on > starts_on:
        raise ContractError(N_("签订日期 %(signed)s 晚于合同开始日期 %(start)s。"),
                            signed=signed_on.isoformat(), start=starts_on.isoformat())


def check_parcel_free(leases: list[tuple[str, dt.date, dt.date | None]], *, parcel: str,
                      starts_on: dt.date, ends_on: dt.date | None) -> None:
    """A parcel is in at most one lease on any day (terms inclusive).

    ``leases`` are the other live leases of the parcel as (number, start, end).
    """
    for number, start, end in leases:
        if (end is None or starts_on <= end) and (ends_on is None or start <= ends_on):
            raise ContractError(
                N_("地块 %(parcel)s 已由合同 %(number)s 租出（%(start)s 至 %(end)s），"
                   "同一时间不能租给两家。"), parcel=parcel, number=number,
                start=start.isoformat(), end=end.isoformat() if end else "—")


def check_parcel_contributed(periods: list[tuple[dt.date, dt.date | None]], *, parcel: str,
                             starts_on: dt.date) -> None:
    """A leased parcel is contributed to the organisation on the day the lease starts."""
    if not any(begun <= starts_on and (ended is None or starts_on <= ended)
               for begun, ended in periods):
        raise ContractError(N_("地块 %(parcel)s 在 %(on)s 没有入股本社，不能出租。"),
                            parcel=parcel, on=starts_on.isoformat())
