"""The cell parsers and the header matching of the one import pipeline (workbook_import)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from coopledger import workbook_import as wi

TODAY = dt.date(2026, 12, 1)


def _refused(parse: wi.Parser, value: Any) -> str:
    with pytest.raises(wi.CellError) as caught:
        parse(value)
    return str(caught.value)


def test_money_is_exact_and_never_rounded() -> None:
    parse = wi.money()
    assert parse(100.5) == Decimal("100.50")
    assert parse("1,234.50") == Decimal("1234.50")
    assert parse(80000) == Decimal("80000.00")
    assert parse(None) is None
    assert "最多只能有两位小数" in _refused(parse, 100.005)
    assert "不是有效的金额" in _refused(parse, "Infinity")
    assert "不是有效的金额" in _refused(parse, 1e20)
    assert "不能小于 0" in _refused(parse, -1)
    assert wi.money(minimum=None)(-1) == Decimal("-1.00")


def test_numbers_keep_their_bounds_places_and_wholeness() -> None:
    months = wi.number(places=0, minimum=Decimal(0), maximum=Decimal(1200), strictly_above=True,
                       whole=True)
    assert months(240) == Decimal(240)
    assert "应为整数" in _refused(months, 12.5)
    assert "应大于 0 且不超过 1200" in _refused(months, 0)
    share = wi.number(places=4, minimum=Decimal(0), maximum=Decimal(10))
    assert share("1.2345") == Decimal("1.2345")
    assert "最多只能有 4 位小数" in _refused(share, "1.23456")
    assert "不是有效的数字" in _refused(share, "1e3")
    assert "不是有效的数字" in _refused(share, True)


def test_dates_are_date_cells_or_exact_text_within_the_window() -> None:
    parse = wi.date(today=TODAY, what="取得日期")
    assert parse(dt.datetime(2024, 5, 10)) == dt.date(2024, 5, 10)  # noqa: DTZ001 - Excel cell
    assert parse("2024/3/1") == dt.date(2024, 3, 1)
    assert parse("2024-03-01") == dt.date(2024, 3, 1)
    assert "带有时刻" in _refused(parse, dt.datetime(2024, 5, 10, 8, 30))  # noqa: DTZ001
    assert "不是有效的日期" in _refused(parse, "2024-02-30")
    assert "不是 YYYY-MM-DD 格式的日期" in _refused(parse, "2024-03-01 备注")
    assert "不在 1990-01-01 至 2036-12-01 之间" in _refused(parse, "2037-01-01")


def test_text_is_bounded_and_stripped() -> None:
    assert wi.text(3)(" 甲乙 ") == "甲乙"
    assert "不能超过 3 个字" in _refused(wi.text(3), "甲乙丙丁")
    assert "不能为空" in _refused(wi.text(3, required="户号不能为空。"), "")


def _sheet(header: list[Any]) -> bytes:
    workbook = Workbook()
    workbook.active.title = "表"
    workbook.active.append(header)
    workbook.active.append(["1", "2"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SPEC = wi.Sheet("表", (wi.Column("area", "面积（亩）", wi.text(10), required=True),
                      wi.Column("code", "编码", wi.text(10), aliases=("代码",))))


def test_headers_match_by_name_brackets_spaces_and_aliases() -> None:
    rows, problems = wi.read(_sheet([" 面积 (亩)", "代码"]), (SPEC,))
    assert not problems
    assert rows["表"][0].values == {"area": "1", "code": "2"}
    assert rows["表"][0].letter("code") == "B"


def test_a_column_twice_or_unknown_is_refused() -> None:
    _rows, problems = wi.read(_sheet(["面积（亩）", "面积(亩)"]), (SPEC,))
    assert [p.sentence() for p in problems.items] == ["“表”表第1行B列：“面积（亩）”列出现了两次。"]
    _rows, problems = wi.read(_sheet(["编码", "备注"]), (SPEC,))
    sentences = [p.sentence() for p in problems.items]
    assert sentences[0].startswith("“表”表第1行B列：不认识的列名“备注”")
    assert sentences[1] == "“表”表第1行：缺少“面积（亩）”列。"
