"""Property: for random valid voucher sequences (with reversals, a year-end closing, a voucher
posted into the closed year and its supplementary closing, and a prior-year correction), the
SQL balances equal beancount's for every account and month, the month-balance index equals the
lines it was kept from (every month, and every report range read from it), and the trial
balance balances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopledger import dates
from coopledger.extensions import db
from coopledger.ledger import bookfile, month_index, periods, queries, vouchers
from coopledger.ledger.books import find_period
from coopledger.ledger.reports import build_report
from tests.ledger_helpers import book_with_vouchers, line, run, year_end_if_any

ACCOUNTS = ("101", "102", "112", "121", "151", "211", "301", "501", "502", "503", "511", "513")

voucher_strategy = st.tuples(
    st.integers(min_value=0, max_value=729),               # day offset from 2024-01-01
    st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.integers(min_value=1, max_value=10**8)),
             min_size=1, max_size=4),                     # debit lines (account, fen)
    st.sampled_from(ACCOUNTS),                             # the balancing credit account
    st.booleans(),                                         # reverse it afterwards?
)


def _fen(amount: int) -> str:
    return f"{Decimal(amount) / 100:.2f}"


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs=st.lists(voucher_strategy, min_size=1, max_size=25), late=st.booleans(),
       correct=st.booleans())
def test_sql_and_beancount_agree(session: Any, by_name: Any,
                                 specs: list[tuple[int, list[tuple[str, int]], str, bool]],
                                 late: bool, correct: bool) -> None:
    nested = db.session.begin_nested()
    try:
        org = by_name.org("shian-jjhzs")
        accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
        book_with_vouchers(org, accountant, reviewer)
        dated = sorted(((dt.date(2024, 1, 1) + dt.timedelta(days=offset), debits, credit, rev)
                        for offset, debits, credit, rev in specs), key=lambda s: s[0])
        closed_2024 = False
        first_2024: Any = None

        def post(on: dt.date, debits: list[tuple[str, int]], credit: str) -> Any:
            total = sum(amount for _code, amount in debits)
            lines = [line("随机凭证", code, _fen(amount)) for code, amount in debits]
            lines.append(line("随机凭证", credit, credit=_fen(total)))
            return run(vouchers.save_voucher(org, voucher=None, on=on, lines=lines,
                                             attachment_count=0, by=accountant,
                                             today=dates.today()),
                       accountant, reviewer)

        def close_2024() -> None:
            for closing in year_end_if_any(org, 2024, by=accountant):
                run(closing, accountant, reviewer)
            if late:  # posted into 2024 after its closing: a 补充结转 zeroes 损益 again
                post(dt.date(2024, 12, 31), [("501", 12345)], "101")
                for closing in year_end_if_any(org, 2024, by=accountant):
                    run(closing, accountant, reviewer)

        for on, debits, credit, reverse in dated:
            if on.year == 2025 and not closed_2024:
                close_2024()
                closed_2024 = True
            voucher = post(on, debits, credit)
            if on.year == 2024 and first_2024 is None and not reverse:
                first_2024 = voucher
            if reverse:
                run(vouchers.reverse_voucher(voucher, on=on, by=accountant, today=dates.today()),
                    accountant,
                    reviewer)
        if not closed_2024:
            close_2024()
        if correct and first_2024 is not None:  # 以前年度调整 of a voucher of the closed year
            for month in range(1, 13):
                found = find_period(org.id, 2024, month)
                if found is None or not found.is_closed:
                    periods.close_month(org, 2024, month, by=accountant)
            run(vouchers.correct_prior_year(first_2024, on=dt.date(2025, 12, 31),
                                            by=accountant, today=dates.today()), accountant,
                                            reviewer)
        assert month_index.differences(org) == []
        for start, end in ((dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
                           (dt.date(2024, 3, 1), dt.date(2024, 5, 31)),
                           (dt.date(2025, 1, 1), dt.date(2025, 12, 31))):
            for exclude in (False, True):
                assert queries.movements(org, start, end, exclude_closing=exclude) == \
                    queries.movements_from_lines(org, start, end, exclude_closing=exclude)
            assert queries.leaf_balances(org, as_of=end) == \
                queries.balances_from_lines(org, as_of=end)
            assert queries.leaf_balances(org, as_of=start - dt.timedelta(days=1),
                                         openings_until=end) == \
                queries.balances_from_lines(org, as_of=start - dt.timedelta(days=1),
                                            openings_until=end)
        chart = {a.code: a for a in queries.accounts(org)}
        for code in ("101", "102", "501"):  # 总账 and the 明细账's opening from the index
            opening, by_month = queries.month_totals(org, chart[code], dt.date(2024, 3, 1),
                                                     dt.date(2025, 12, 31))
            before, lines = queries.detail_ledger(org, chart[code], dt.date(2024, 3, 1),
                                                  dt.date(2025, 12, 31))
            summed: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
            for found in lines:
                d, c = summed.get((found.on.year, found.on.month), (Decimal(0), Decimal(0)))
                summed[(found.on.year, found.on.month)] = (d + found.debit, c + found.credit)
            assert by_month == summed
            from_lines = queries.balances_from_lines(org, as_of=dt.date(2024, 2, 29))
            assert opening == before == from_lines.get(chart[code].id, Decimal("0.00"))
        result = bookfile.verify_book(org)
        assert result.beancount_errors == []
        assert result.chain_errors == []
        assert result.balance_differences == []
        for year in ("2024", "2025"):
            totals = build_report("trial_balance", org, year).rows[-1]
            assert totals[4] == totals[5]
            assert totals[6] == totals[7]
    finally:
        nested.rollback()
