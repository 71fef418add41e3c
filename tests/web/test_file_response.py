"""web helpers: every generated file answered the same way (file_response), and the one check
that a child row belongs to its parent (child_or_404)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.exceptions import NotFound

from coopledger.extensions import db
from coopledger.web import child_or_404, file_response


def test_pdfs_open_in_the_browser_and_tables_download(app: Flask) -> None:
    with app.test_request_context():
        pdf = file_response(b"%PDF-1.7", "roster-shian-tdgf-2024.pdf")
        sheet = file_response(b"PK", "payout-shian-tdgf-2024.xlsx")
        table = file_response("a,b\n", "bank-shian-tdgf-2024.csv")
        book = file_response("2024-01-01 open Assets:101", "shian-tdgf.beancount")
    assert (pdf.mimetype, pdf.headers["Content-Disposition"]) == (
        "application/pdf", "inline; filename=roster-shian-tdgf-2024.pdf")
    assert sheet.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert sheet.headers["Content-Disposition"] == (
        "attachment; filename=payout-shian-tdgf-2024.xlsx")
    assert table.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert table.headers["Content-Disposition"].startswith("attachment;")
    assert book.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_chinese_file_name_is_encoded_not_mangled(app: Flask) -> None:
    with app.test_request_context():
        response = file_response(b"%PDF-1.7", "石安村-2024.pdf")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=UTF-8''%E7%9F%B3%E5%AE%89%E6%9D%91-2024.pdf" in disposition


def test_a_child_of_another_parent_is_not_found(app: Flask, session: Any) -> None:
    """web.child_or_404: the one check that a row belongs to the parent in the URL."""
    from coopledger.members.models import Household, Membership

    membership = db.session.scalars(sa.select(Membership).limit(1)).one()
    other = db.session.scalars(sa.select(Household).where(
        Household.id != membership.household_id).limit(1)).one()
    with app.test_request_context():
        found = child_or_404(Membership, membership.id, membership.household, "household_id")
        assert found is membership
        with pytest.raises(NotFound):
            child_or_404(Membership, membership.id, other, "household_id")
        with pytest.raises(NotFound):
            child_or_404(Membership, 10**9, membership.household, "household_id")
