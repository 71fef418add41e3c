"""Booking the asset register, computed by hand: which months a card is depreciated in, the
depreciation voucher summed per account, and the 固定资产清理 and 盘亏 lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coopledger.assets import booking
from coopledger.assets.rules import Method, Terms
from coopledger.ledger.rules import Line

D = Decimal
ZERO = D("0.00")
# 10,000.00, 3 % residual, 36 months → 9,700.00 depreciable, 269.44 a month, the last 269.60.
TERMS = Terms(original=D("10000.00"), residual_percent=D(3), life_months=36,
              acquired_on=dt.date(2024, 1, 17))


def test_a_card_acquired_mid_month_starts_the_month_after() -> None:
    card = booking.CardMonth(TERMS, accumulated=ZERO)
    assert booking.month_amount(card, 2024, 1) == ZERO          # partial first month: nothing
    assert booking.month_amount(card, 2024, 2) == D("269.44")


def test_the_last_month_takes_the_rounding() -> None:
    last = booking.CardMonth(TERMS, accumulated=D("269.44") * 35)
    assert booking.month_amount(last, 2027, 1) == D("269.60")   # 9,700 − 35 × 269.44
    after = booking.CardMonth(TERMS, accumulated=D("9700.00"))
    assert booking.month_amount(after, 2027, 2) == ZERO


def test_opening_depreciation_covers_its_months_and_a_disposal_month_is_still_taken() -> None:
    covered = booking.CardMonth(TERMS, accumulated=D("2694.40"),
                                covered_until=dt.date(2024, 11, 30))
    assert booking.month_amount(covered, 2024, 11) == ZERO
    assert booking.month_amount(covered, 2024, 12) == D("269.44")
    disposed = booking.CardMonth(TERMS, accumulated=D("269.44"),
                                 disposed_on=dt.date(2024, 3, 20))
    assert booking.month_amount(disposed, 2024, 3) == D("269.44")
    assert booking.month_amount(disposed, 2024, 4) == ZERO


def test_units_of_production_uses_the_month_units() -> None:
    # 50,000.00 drone, 10 % residual, 1,500 flight hours → 30.00 per hour.
    drone = Terms(original=D("50000.00"), residual_percent=D(10), life_months=60,
                  acquired_on=dt.date(2025, 2, 10), method=Method.UNITS,
                  total_units=D(1500))
    month = booking.CardMonth(drone, accumulated=D("900.00"), units=D("42.5"),
                              units_before=D(30))
    assert booking.month_amount(month, 2025, 4) == D("1275.00")
    last = booking.CardMonth(drone, accumulated=D("44700.00"), units=D(20),
                             units_before=D(1490))
    assert booking.month_amount(last, 2028, 9) == D("300.00")   # what is left, not 600


def test_depreciation_lines_are_summed_per_account() -> None:
    lines = booking.depreciation_lines("计提折旧", [
        ("513", "152", D("200.00")), ("511", "152", D("285.00")), ("511", "133", D("50.00")),
        ("513", "152", D("0.01"))])
    assert lines == [Line("计提折旧", "511", D("335.00"), ZERO),
                     Line("计提折旧", "513", D("200.01"), ZERO),
                     Line("计提折旧", "133", ZERO, D("50.00")),
                     Line("计提折旧", "152", ZERO, D("485.01"))]


ACCOUNTS = booking.DisposalAccounts(cost="151", contra="152", clearing="154", cash="102",
                                    gain="504", loss="515")


def test_a_sale_at_a_gain_empties_the_clearing_account() -> None:
    transfer = booking.transfer_lines("出售", ACCOUNTS, original=D("12000.00"),
                                      accumulated=D("9000.00"))
    settle = booking.settle_lines("出售", ACCOUNTS, proceeds=D("3500.00"), costs=D("200.00"),
                                  result=D("300.00"))
    clearing = sum((ln.debit - ln.credit for ln in [*transfer, *settle]
                    if ln.account_code == "154"), ZERO)
    assert clearing == ZERO
    assert [ln for ln in settle if ln.account_code == "504"] == [
        Line("出售", "504", ZERO, D("300.00"))]


def test_a_shortage_goes_to_pending_loss_and_is_written_off() -> None:
    lines = booking.shortage_lines("盘亏", "181", [booking.Shortage("151", "152", D("5000.00"),
                                                                   D("5000.00"))])
    assert lines == [Line("盘亏", "152", D("5000.00"), ZERO), Line("盘亏", "151", ZERO,
                                                                 D("5000.00"))]
    assert booking.writeoff_lines("转销", "181", "515", D("800.00")) == [
        Line("转销", "515", D("800.00"), ZERO), Line("转销", "181", ZERO, D("800.00"))]
