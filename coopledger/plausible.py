"""Values no village book can hold, refused with a sentence wherever they are entered: one
window of business dates and one ceiling of land area (issue 17 "implausible values").

- Business dates (contract terms and signing, share-register effective dates, contributions
  of land) lie from 1990 — no collective's books in coopledger start earlier; a typo such as
  0024 or 9999 is caught — to ``YEARS_AHEAD`` years after today; a contract may run up to
  ``LONGEST_TERM_YEARS`` after its start (a 承包期 of 30 years, extended by 30 more, 中办发
  〔2019〕 "第二轮土地承包到期后再延长三十年").
- A single parcel is at most ``MAX_PARCEL_MU`` 亩: whole villages hold a few thousand 亩.
Money has its own ceiling in ``money.MAX_AMOUNT``; vouchers refuse future dates outright.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coopledger.errors import CoopLedgerError, Term
from coopledger.i18n import N_

EARLIEST = dt.date(1990, 1, 1)
YEARS_AHEAD = 10
LONGEST_TERM_YEARS = 70
MAX_PARCEL_MU = Decimal("10000")


class ImplausibleError(CoopLedgerError):
    """A value outside what a real book can hold."""

    message = N_("数值不合常理，请检查。")


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:   # 29 February
        return day.replace(year=day.year + years, day=28)


def check_date(on: dt.date, *, today: dt.date, what: str,
               years_ahead: int = YEARS_AHEAD) -> None:
    """Refuse ``on`` before 1990 or more than ``years_ahead`` years after today."""
    latest = _years_after(today, years_ahead)
    if on < EARLIEST or on > latest:
        raise ImplausibleError(
            N_("%(what)s %(on)s 不在 1990-01-01 至 %(latest)s 之间，请检查年份。"),
            what=Term(what), on=on.isoformat(), latest=latest.isoformat())


LATEST_START = dt.date(2100, 12, 31)


def check_term(starts_on: dt.date, ends_on: dt.date | None) -> None:
    """A contract starts from 1990 to 2100 and ends at most 70 years after its start."""
    if starts_on < EARLIEST or starts_on > LATEST_START:
        raise ImplausibleError(N_("合同开始日期 %(on)s 不合常理，请检查年份。"),
                               on=starts_on.isoformat())
    if ends_on is not None and ends_on > _years_after(starts_on, LONGEST_TERM_YEARS):
        raise ImplausibleError(
            N_("合同结束日期 %(end)s 距开始超过 %(years)d 年，请检查年份。"),
            end=ends_on.isoformat(), years=LONGEST_TERM_YEARS)


def check_area(area: Decimal, *, what: str) -> None:
    """Refuse an area of one parcel above ``MAX_PARCEL_MU`` 亩."""
    if area > MAX_PARCEL_MU:
        raise ImplausibleError(N_("%(what)s %(area)s 亩超过 %(max)s 亩，请检查是否多输了位数。"),
                               what=Term(what), area=f"{area.normalize():f}",
                               max=f"{MAX_PARCEL_MU}")
