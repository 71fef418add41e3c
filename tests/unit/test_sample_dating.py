"""The demo world dated to the day it is loaded (coopledger.sample_dating)."""

from __future__ import annotations

import datetime as dt

from coopledger.sample_dating import BASE_AS_OF, dated, dating, shift_date


def test_the_world_as_written_is_the_base_day() -> None:
    base = dating(BASE_AS_OF)
    assert (base.years, base.cutoff) == (0, (2025, 12))
    assert base.closes(2025, 10)
    assert not base.closes(2025, 11)


def test_loaded_on_the_first_of_december_the_books_end_in_november() -> None:
    when = dating(dt.date(2026, 12, 1))
    assert (when.years, when.cutoff, when.cutoff_end) == (1, (2026, 11), dt.date(2026, 11, 30))
    assert when.closes(2026, 9)
    assert not when.closes(2026, 10)
    january = dating(dt.date(2027, 1, 3))
    assert (january.years, january.cutoff) == (1, (2026, 12))


def test_the_29th_of_february_moves_to_the_28th() -> None:
    assert shift_date(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert shift_date(dt.date(2023, 3, 1), 1) == dt.date(2024, 3, 1)


def test_dates_years_and_written_years_move_but_standards_and_numbers_do_not() -> None:
    world = {
        "demo_password": "coop-demo-2026",
        "organisations": [{"standard": "village_2023", "code": "x"}],
        "books": [{"first_year": 2024, "seed": 20251231}],
        "full_disclosures": [{"period": "2025-Q3", "title": "2024年第一季度党员大会"}],
        "contracts": [{"number": "SATG-2024-001", "signed_on": "2024-02-29",
                       "rent": "2040.00", "id_number": "511623196503120011"}],
        "employments": [{"paid_on": "2026-01-10"}, {"paid_on": "2025-11-20"}],
        "full_supervision": {"cash_withdrawal": {"on": "2025-12-31"}},
    }
    moved = dated(world, dating(dt.date(2026, 12, 1)))
    assert moved["demo_password"] == "coop-demo-2026"
    assert moved["organisations"][0]["standard"] == "village_2023"
    assert moved["books"] == [{"first_year": 2025, "seed": 20251231}]
    assert moved["full_disclosures"] == [{"period": "2026-Q3", "title": "2025年第一季度党员大会"}]
    assert moved["contracts"] == [{"number": "SATG-2025-001", "signed_on": "2025-02-28",
                                   "rent": "2040.00", "id_number": "511623196503120011"}]
    # a wage paid after the day of the load has not been paid yet
    assert moved["employments"] == [{"paid_on": "2026-11-20"}]
    # the supervision scenes happen no later than the books' last month
    assert moved["full_supervision"]["cash_withdrawal"]["on"] == "2026-11-30"
    assert world["books"] == [{"first_year": 2024, "seed": 20251231}]   # not changed
    assert dated(world, dating(BASE_AS_OF))["employments"] == world["employments"]
