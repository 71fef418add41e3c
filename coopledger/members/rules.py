"""Pure rules about households, persons and land.

- Areas are in 亩 with at most four decimals and must be positive; grade coefficients too.
- A parcel is in at most one cooperative on any day: contribution periods (days inclusive)
  may not overlap, so a parcel withdrawn on day D can be contributed again from D + 1.
- Membership ends on or after the day it began.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_

_DECIMAL = re.compile(r"^\d+(\.\d+)?$")


class MemberRuleError(CoopLedgerError):
    """Member, household or land data that breaks a rule."""

    message = N_("成员或土地信息不符合规定。")


def parse_area(text: str, *, what: str = N_("面积")) -> Decimal:
    """A positive amount with at most four decimals (亩, or a coefficient)."""
    raw = text.strip()
    if not _DECIMAL.match(raw):
        raise MemberRuleError(N_("%(what)s“%(text)s”不是有效的数字。"), what=what, text=raw)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise MemberRuleError(N_("%(what)s“%(text)s”不是有效的数字。"), what=what,
                              text=raw) from None
    if value <= 0:
        raise MemberRuleError(N_("%(what)s必须大于零。"), what=what)
    if value != value.quantize(Decimal("0.0001")):
        raise MemberRuleError(N_("%(what)s“%(text)s”最多只能有四位小数。"), what=what, text=raw)
    return value.quantize(Decimal("0.0001"))


def check_contribution(periods: list[tuple[dt.date, dt.date | None]], start: dt.date) -> None:
    """Refuse a contribution from ``start`` that would overlap an existing one (days inclusive).

    A parcel withdrawn on day D can be contributed again from day D + 1.
    """
    for begun, ended in periods:
        if ended is not None and start > ended:
            continue
        if start < begun:
            raise MemberRuleError(N_("入股日期不能早于这块地已有的入股记录（%(on)s）。"),
                                  on=begun.isoformat())
        raise MemberRuleError(N_("这块地自 %(on)s 起已入股，同一时间不能入股两次；请先办理退出。"),
                              on=begun.isoformat())


def check_withdrawal(contributed_on: dt.date, withdrawn_on: dt.date) -> None:
    """A withdrawal is on or after the contribution day."""
    if withdrawn_on < contributed_on:
        raise MemberRuleError(N_("退出日期不能早于入股日期 %(on)s。"),
                              on=contributed_on.isoformat())


def check_membership_dates(joined_on: dt.date, left_on: dt.date | None) -> None:
    """Leaving is on or after joining."""
    if left_on is not None and left_on < joined_on:
        raise MemberRuleError(N_("退社日期不能早于入社日期。"))


def check_not_future(day: dt.date, *, today: dt.date) -> None:
    """Business dates of registrations are not in the future."""
    if day > today:
        raise MemberRuleError(N_("日期 %(on)s 在今天之后。"), on=day.isoformat())


def identity_keepers(*, owner_id: int | None, village_collective_ids: Iterable[int],
                     member_org_ids: Iterable[int]) -> set[int]:
    """The organisations that keep a household's identity data (issue 16, shared households):
    the one that registered it and the collective of its village. Names, ID numbers, address,
    phone, the default payout account and the member login are edited by their staff only;
    any other organisation the household belongs to keeps its own payout account on the
    membership and sees the changes in the household's history. A household registered before
    owners were recorded, in a village without a collective, is kept by its organisations."""
    keepers = set(village_collective_ids)
    if owner_id is not None:
        keepers.add(owner_id)
    return keepers or set(member_org_ids)
