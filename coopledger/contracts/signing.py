"""Pure rules of the contract register: dates and signing.

- A contract ends on or after the day it starts; leases, joint ventures and employment have an
  end date, an investment may be open-ended.
- A contract is signed only with the approval record required by the articles (理事会 or
  成员大会 resolution reference), approved on or before the signing day, signed on or before
  the start, and not in the future.
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
