"""Vouchers through the web: the workflow, and every kind of bad input refused with a sentence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger import dates
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.files import store
from coopledger.ledger import periods
from coopledger.ledger.models import Voucher, VoucherLine, VoucherState
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, make_voucher

URL = "/o/shian-tdgf/vouchers"


@pytest.fixture
def book(by_name: Any) -> Any:
    """石安土地股份合作社 with its books opened on 2024-01-01."""
    book_with_vouchers(by_name.org("shian-tdgf"), by_name.user("accountant"),
                       by_name.user("reviewer"))
    db.session.commit()
    return by_name


def _form(**overrides: str) -> dict[str, str]:
    data = {"on": "2024-03-05", "attachment_count": "1",
            "lines-0-summary": "收到土地租金", "lines-0-account": "102 银行存款",
            "lines-0-debit": "8,000.00", "lines-0-credit": "",
            "lines-1-summary": "收到土地租金", "lines-1-account": "501 经营收入",
            "lines-1-debit": "", "lines-1-credit": "8000"}
    data.update(overrides)
    return data


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Voucher.id))) or 0


def test_accountant_enters_reviewer_reviews_and_posts(client: FlaskClient, auth: Auth,
                                                      book: Any) -> None:
    auth.login("accountant")
    response = client.post(f"{URL}/new", data=_form())
    assert response.status_code == 302
    voucher_id = int(response.headers["Location"].rsplit("/", 1)[1])
    voucher = db.session.get(Voucher, voucher_id)
    assert voucher is not None
    assert [(line.account.code, line.debit, line.credit) for line in voucher.lines] == [
        ("102", Decimal("8000.00"), Decimal("0.00")), ("501", Decimal("0.00"), Decimal("8000.00"))]
    assert voucher.state is VoucherState.DRAFT
    assert voucher.number is None
    client.post(f"{URL}/{voucher_id}/submit")
    refused = client.post(f"{URL}/{voucher_id}/review", follow_redirects=True)
    assert refused.status_code == 403
    auth.login("reviewer")
    client.post(f"{URL}/{voucher_id}/review")
    page = client.post(f"{URL}/{voucher_id}/post", follow_redirects=True).get_data(as_text=True)
    assert "已记账" in page
    assert "捌仟元整" in page
    voucher = db.session.get(Voucher, voucher_id)
    assert voucher is not None
    assert (voucher.state, voucher.label) == (VoucherState.POSTED, "记-1")
    assert voucher.chain_hash is not None
    assert len(voucher.chain_hash) == 64
    assert all(line.posted for line in voucher.lines)


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"lines-1-credit": "7999.99"}, "借贷不平衡：借方合计 8,000.00，贷方合计 7,999.99，相差 0.01"),
    ({"lines-0-debit": "8000.001"}, "最多只能有两位小数"),
    ({"lines-0-debit": "1e5"}, "不是有效的金额"),
    ({"lines-0-debit": "NaN"}, "不是有效的金额"),
    ({"lines-0-debit": "-0"}, "不能是负零"),
    ({"lines-0-debit": "-8000"}, "只有红字冲销凭证可以用负数"),
    ({"lines-0-account": "113"}, "不是末级科目"),
    ({"lines-0-account": "999 不存在"}, "科目 999 不存在"),
    ({"lines-0-summary": ""}, "第 1 行没有填写摘要"),
    ({"lines-0-credit": "8000"}, "必须且只能在借方或贷方填写一个金额"),
    ({"lines-1-summary": "", "lines-1-account": "", "lines-1-credit": ""}, "至少要有两行分录"),
    ({"on": "2023-12-31"}, "早于建账日期"),
    ({"on": "9999-12-31"}, "凭证日期 9999-12-31 晚于今天"),
    ({"on": (today() + dt.timedelta(days=1)).isoformat()}, "不能录入或记账未来日期的凭证"),
])
def test_bad_vouchers_are_refused_and_nothing_is_saved(client: FlaskClient, auth: Auth,
                                                       book: Any, overrides: dict[str, str],
                                                       reason: str) -> None:
    auth.login("accountant")
    if overrides.get("lines-0-account") == "113":
        client.post("/o/shian-tdgf/books/accounts", data={
            "parent": "113", "code": "11301", "name": "应收龙头企业"})
    before = _count()
    response = client.post(f"{URL}/new", data=_form(**overrides))
    assert response.status_code == 200
    assert reason in response.get_data(as_text=True)
    assert _count() == before


def test_an_error_is_shown_on_its_cell_with_the_row_the_user_sees(
        client: FlaskClient, auth: Auth, book: Any) -> None:
    """Row 2 left empty and row 3 without an account: the sentence names row 3 (not "line 2"
    of the lines sent) and sits under row 3's 科目 cell, marked invalid; a typed amount that
    is not money is named with its row under its own cell; nothing is saved."""
    import re

    auth.login("accountant")
    before = _count()
    data = _form(**{"lines-1-summary": "", "lines-1-account": "", "lines-1-credit": "",
                    "lines-2-summary": "收到土地租金", "lines-2-account": "",
                    "lines-2-credit": "8000"})
    page = client.post(f"{URL}/new", data=data).get_data(as_text=True)
    assert "凭证有错误，请看标出的单元格。" in page
    cell = re.search(r'<td class="has-error">(.*?)</td>', page, re.S)
    assert cell is not None
    assert 'name="lines-2-account"' in cell.group(1)
    assert 'aria-invalid="true"' in cell.group(1)
    assert '<p class="error cell-error" id="err-3-account">第 3 行没有选择会计科目。</p>' in \
        cell.group(1)
    assert "第 2 行没有选择会计科目" not in page
    page = client.post(f"{URL}/new", data=_form(**{"lines-1-credit": "80.005"})).get_data(
        as_text=True)
    cell = re.search(r'<td class="has-error">(.*?)</td>', page, re.S)
    assert cell is not None
    assert 'name="lines-1-credit"' in cell.group(1)
    assert "第 2 行：" in cell.group(1)
    assert _count() == before


def test_scans_are_attached_in_the_entry_form_or_nothing_is_saved(
        client: FlaskClient, auth: Auth, book: Any) -> None:
    """Two scans chosen in the entry form are kept with the voucher (附件张数 follows); a file
    that is not a scan refuses the whole save with a sentence naming it: no voucher, no scan."""
    import hashlib
    import io

    from coopledger.ledger.models import Attachment
    from coopledger.ledger.sample_books import PLACEHOLDER_PNG

    auth.login("accountant")
    data: dict[str, Any] = _form(attachment_count="0")
    data["scans"] = [(io.BytesIO(PLACEHOLDER_PNG), "发票.png"),
                     (io.BytesIO(PLACEHOLDER_PNG + b"\x00"), "收据.png")]
    page = client.post(f"{URL}/new", data=data, content_type="multipart/form-data",
                       follow_redirects=True).get_data(as_text=True)
    assert "凭证已保存为草稿。" in page
    voucher = db.session.scalars(sa.select(Voucher).order_by(Voucher.id.desc())).first()
    assert voucher is not None
    assert sorted(a.filename for a in voucher.attachments) == ["发票.png", "收据.png"]
    assert voucher.attachment_count == 2
    assert hashlib.sha256(PLACEHOLDER_PNG).hexdigest() in {a.sha256 for a in voucher.attachments}
    before = (_count(), db.session.scalar(sa.select(sa.func.count(Attachment.id))))
    data = _form()
    data["scans"] = [(io.BytesIO(PLACEHOLDER_PNG), "发票.png"),
                     (io.BytesIO(b"not a scan"), "说明.txt")]
    page = client.post(f"{URL}/new", data=data,
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "凭证没有保存。附件 说明.txt：只能上传 JPEG、PNG 图片或 PDF 文件。" in page
    assert (_count(), db.session.scalar(sa.select(sa.func.count(Attachment.id)))) == before


def test_a_closed_month_refuses_saving_posting_and_reversing(client: FlaskClient, auth: Auth,
                                                            book: Any) -> None:
    org, accountant, reviewer = (book.org("shian-tdgf"), book.user("accountant"),
                                 book.user("reviewer"))
    posted = make_voucher(org, accountant, reviewer, on=dt.date(2024, 1, 20))
    waiting = make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, 3), upto="reviewed")
    periods.close_month(org, 2024, 1, by=accountant)
    db.session.commit()
    auth.login("accountant")
    page = client.post(f"{URL}/new", data=_form(on="2024-01-31")).get_data(as_text=True)
    assert "2024年1月已结账" in page
    assert "请把凭证日期改到未结账的月份" in page
    page = client.post(f"{URL}/{posted.id}/reverse", data={"on": "2024-01-25"},
                       follow_redirects=True).get_data(as_text=True)
    assert "2024年1月已结账" in page
    refused = client.post("/o/shian-tdgf/books/periods/2024/2/close", follow_redirects=True)
    assert "2024年2月还有 1 张凭证未记账" in refused.get_data(as_text=True)
    auth.login("reviewer")
    client.post(f"{URL}/{waiting.id}/post")
    auth.login("accountant")
    client.post("/o/shian-tdgf/books/periods/2024/2/close")
    closed = db.session.scalars(sa.select(periods.Period).where(
        periods.Period.organisation_id == org.id, periods.Period.closed_at.is_not(None))).all()
    assert sorted(p.month for p in closed) == [1, 2]


def test_reviewer_cannot_review_own_voucher_and_rejection_needs_a_reason(
        client: FlaskClient, auth: Auth, book: Any) -> None:
    from coopledger.auth.models import RoleAssignment
    from coopledger.auth.roles import Role

    org, reviewer = book.org("shian-tdgf"), book.user("reviewer")
    # a reviewer who also keeps the books prepares a voucher: she may not review it herself
    db.session.add(RoleAssignment(user=reviewer, role=Role.ACCOUNTANT, organisation=org))
    db.session.flush()
    own = make_voucher(org, reviewer, reviewer, upto="submitted")
    other = make_voucher(org, book.user("accountant"), reviewer, upto="submitted")
    db.session.commit()
    auth.login("reviewer")
    page = client.post(f"{URL}/{own.id}/review", follow_redirects=True).get_data(as_text=True)
    assert "审核人不能是制单人本人" in page
    assert db.session.get(Voucher, own.id).state is VoucherState.SUBMITTED  # type: ignore[union-attr]
    page = client.post(f"{URL}/{other.id}/reject", data={"reason": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "退回凭证时必须说明原因" in page
    client.post(f"{URL}/{other.id}/reject", data={"reason": "附件不全，请补充租赁合同"})
    rejected = db.session.get(Voucher, other.id)
    assert rejected is not None
    assert rejected.state is VoucherState.DRAFT
    assert rejected.rejection_reason == "附件不全，请补充租赁合同"


def test_posting_twice_and_editing_a_posted_voucher_are_refused(
        client: FlaskClient, auth: Auth, book: Any) -> None:
    org = book.org("shian-tdgf")
    voucher = make_voucher(org, book.user("accountant"), book.user("reviewer"))
    db.session.commit()
    auth.login("reviewer")
    page = client.post(f"{URL}/{voucher.id}/post", follow_redirects=True).get_data(as_text=True)
    assert "已经记账，不能重复记账" in page
    auth.login("accountant")
    crafted = client.post(f"{URL}/{voucher.id}/edit", data=_form(**{"lines-0-debit": "1",
                                                                   "lines-1-credit": "1"}),
                          follow_redirects=True)
    assert "不能修改" in crafted.get_data(as_text=True)
    lines = db.session.scalars(sa.select(VoucherLine).where(
        VoucherLine.voucher_id == voucher.id)).all()
    assert sorted(line.debit + line.credit for line in lines) == [Decimal("8000.00")] * 2


def test_reversal_references_the_original_and_nets_to_zero(client: FlaskClient, auth: Auth,
                                                           book: Any) -> None:
    org = book.org("shian-tdgf")
    original = make_voucher(org, book.user("accountant"), book.user("reviewer"),
                            on=dt.date(2024, 3, 5))
    db.session.commit()
    auth.login("accountant")
    response = client.post(f"{URL}/{original.id}/reverse", data={"on": "2024-03-20"})
    reversal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    reversal = db.session.get(Voucher, reversal_id)
    assert reversal is not None
    assert reversal.summary == "冲销 2024年3月5日 记-1"
    assert [(line.debit, line.credit) for line in reversal.lines] == [
        (Decimal("-8000.00"), Decimal("0.00")), (Decimal("0.00"), Decimal("-8000.00"))]
    page = client.post(f"{URL}/{original.id}/reverse", data={"on": "2024-03-21"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已有冲销凭证" in page


def test_cashier_confirmation_is_required_when_turned_on(client: FlaskClient, auth: Auth,
                                                         book: Any) -> None:
    org = book.org("shian-jjhzs")
    book_with_vouchers(org, book.user("accountant"), book.user("reviewer"))
    db.session.commit()
    auth.login("accountant")
    client.post("/o/shian-jjhzs/books/settings", data={"cashier_confirms": "y"})
    voucher = make_voucher(org, book.user("accountant"), book.user("reviewer"), upto="reviewed",
                           debit="513", credit="101", amount="120.00", summary="购买办公用品")
    db.session.commit()
    auth.login("reviewer")
    page = client.post(f"/o/shian-jjhzs/vouchers/{voucher.id}/post",
                       follow_redirects=True).get_data(as_text=True)
    assert "须出纳确认后才能记账" in page
    auth.login("cashier")
    client.post(f"/o/shian-jjhzs/vouchers/{voucher.id}/confirm-cash")
    auth.login("reviewer")
    client.post(f"/o/shian-jjhzs/vouchers/{voucher.id}/post")
    posted = db.session.get(Voucher, voucher.id)
    assert posted is not None
    assert posted.state is VoucherState.POSTED
    assert posted.cashier is not None
    assert posted.cashier.username == "cashier"


def test_scanned_originals_are_type_checked_and_stored_by_hash(client: FlaskClient, auth: Auth,
                                                               book: Any, app: Any) -> None:
    import hashlib
    import io

    from coopledger.ledger.sample_books import PLACEHOLDER_PNG

    voucher = make_voucher(book.org("shian-tdgf"), book.user("accountant"),
                           book.user("reviewer"), upto="draft")
    db.session.commit()
    auth.login("accountant")
    page = client.post(f"{URL}/{voucher.id}/attachments", data={
        "file": (io.BytesIO(b"MZ\x90\x00not a picture"), "receipt.jpg")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "只能上传 JPEG、PNG 图片或 PDF 文件" in page
    client.post(f"{URL}/{voucher.id}/attachments", data={
        "file": (io.BytesIO(PLACEHOLDER_PNG), "发票.png")}, content_type="multipart/form-data")
    stored = db.session.get(Voucher, voucher.id)
    assert stored is not None
    assert [a.filename for a in stored.attachments] == ["发票.png"]
    digest = hashlib.sha256(PLACEHOLDER_PNG).hexdigest()
    assert stored.attachments[0].sha256 == digest
    assert store().exists(f"originals/{digest[:2]}/{digest}")
    with client.get(f"{URL}/{voucher.id}/attachments/{stored.attachments[0].id}") as shown:
        assert shown.data == PLACEHOLDER_PNG
        assert shown.mimetype == "image/png"


def test_voucher_pdf_has_the_uppercase_total_in_chinese_glyphs(
        client: FlaskClient, auth: Auth, book: Any, tmp_path: Any) -> None:
    from pypdf import PdfReader

    voucher = make_voucher(book.org("shian-tdgf"), book.user("accountant"),
                           book.user("reviewer"), amount="12345.67")
    db.session.commit()
    auth.login("reviewer")
    response = client.get(f"{URL}/{voucher.id}.pdf")
    pdf = tmp_path / "v.pdf"
    pdf.write_bytes(response.data)
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "记账凭证" in text
    assert "人民币壹万贰仟叁佰肆拾伍元陆角柒分" in text
    assert "记-1" in text
    # The signatures of the 记账凭证 form, filled with who did each step.
    names = {u: book.user(u).display_name for u in ("accountant", "reviewer")}
    assert (f"会计主管：记账：{names['reviewer']}审核：{names['reviewer']}出纳："
            f"制单：{names['accountant']}") in text            # posted and reviewed


def test_a_voucher_dated_in_the_future_is_not_posted(book: Any) -> None:
    """A draft saved before the check existed (or with a date moved on) is refused at posting
    with the same sentence."""
    from coopledger.ledger import vouchers

    voucher = make_voucher(book.org("shian-tdgf"), book.user("accountant"),
                           book.user("reviewer"), upto="reviewed", on=dt.date(2024, 3, 5))
    voucher.on = dt.date(2099, 3, 5)
    db.session.flush()
    with pytest.raises(vouchers.FutureDateError, match="凭证日期 2099-03-05 晚于今天"):
        vouchers.post_voucher(voucher, by=book.user("reviewer"), today=dates.today())


def test_whoever_edited_the_lines_may_not_review_or_post_it(client: FlaskClient, auth: Auth,
                                                            book: Any) -> None:
    """A user with accountant and reviewer roles edits another's draft (1.00 → 9,999.00): they
    become one of its preparers, shown on the voucher, and are refused review and posting."""
    from coopledger.auth.models import RoleAssignment
    from coopledger.auth.roles import Role

    org = book.org("shian-tdgf")
    reviewer = book.user("reviewer")
    db.session.add(RoleAssignment(user=reviewer, role=Role.ACCOUNTANT, organisation=org))
    voucher = make_voucher(org, book.user("accountant"), reviewer, upto="draft", amount="1.00")
    db.session.commit()
    auth.login("reviewer")
    client.post(f"{URL}/{voucher.id}/edit", data=_form(**{
        "lines-0-debit": "9999.00", "lines-1-credit": "9999.00"}))
    db.session.expire_all()
    assert voucher.total == Decimal("9999.00")
    assert [u.username for u in voucher.preparers] == ["accountant", "reviewer"]
    page = client.get(f"{URL}/{voucher.id}").get_data(as_text=True)
    assert "审核通过" not in page
    auth.login("accountant")
    client.post(f"{URL}/{voucher.id}/submit")
    auth.login("reviewer")
    refused = client.post(f"{URL}/{voucher.id}/review", follow_redirects=True)
    assert "审核人不能是制单人本人" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert voucher.state is VoucherState.SUBMITTED
    from coopledger.ledger import vouchers

    vouchers.review_voucher(voucher, by=book.user("admin"))
    with pytest.raises(vouchers.VoucherError, match="记账人不能是这张凭证的制单人"):
        vouchers.post_voucher(voucher, by=reviewer, today=dates.today())


def test_reviewed_vouchers_are_posted_in_one_action_in_date_order(
        client: FlaskClient, auth: Auth, book: Any) -> None:
    """The reviewer ticks four reviewed vouchers and a draft on the 待记账 list: each goes
    through post_voucher in its own transaction, in date order (记-1 … 记-4 follow the dates,
    not the ticking), and the draft is listed as refused with the sentence."""
    org = book.org("shian-tdgf")
    accountant, reviewer = book.user("accountant"), book.user("reviewer")
    days = (20, 5, 10, 2)
    chosen = [make_voucher(org, accountant, reviewer, upto="reviewed",
                           on=dt.date(2024, 3, day), amount=f"{100 + day}.00") for day in days]
    draft = make_voucher(org, accountant, reviewer, upto="draft", on=dt.date(2024, 3, 25))
    db.session.commit()
    auth.login("reviewer")
    listing = client.get(f"{URL}/?state=reviewed").get_data(as_text=True)
    assert "记账所选凭证（按日期顺序）" in listing
    page = client.post(f"{URL}/batch", data={
        "step": "post", "voucher": [str(v.id) for v in [*chosen, draft]]},
        follow_redirects=True).get_data(as_text=True)
    assert "共 5 张：完成 4 张，未完成 1 张。" in page
    assert "未完成：凭证须先经审核才能记账（当前为“草稿”）。" in page
    numbers = {v.on.day: v.number for v in db.session.scalars(sa.select(Voucher).where(
        Voucher.id.in_([v.id for v in chosen])))}
    assert numbers == {2: 1, 5: 2, 10: 3, 20: 4}
    auth.login("auditor")             # no posting right: the batch is refused as a whole
    assert client.post(f"{URL}/batch", data={"step": "post", "voucher": [str(draft.id)]}
                       ).status_code == 403


def test_posting_a_voucher_is_one_transaction_of_a_bounded_number_of_statements(
        client: FlaskClient, auth: Auth, book: Any) -> None:
    """Issue 23 (posting p50 at a million vouchers): posting reads and writes what it needs
    in one transaction — the lines marked posted by one statement, whatever their number, and
    no second transaction after the commit (the response's cache header used to read the
    user row again) — and the month-balance index and the chain are written in it."""
    org = book.org("shian-tdgf")
    voucher = _reviewed_voucher(org, book, lines=6)
    auth.login("reviewer")
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(" ".join(statement.split())[:60])

    engine = db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        answer = client.post(f"{URL}/{voucher.id}/post")
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert answer.status_code == 302
    assert answer.headers["Cache-Control"] == "no-store"
    updates = [s for s in statements if s.startswith("UPDATE voucher_lines")]
    assert len(updates) == 1, statements
    # 22 before issue 23; the money index (issue 21) adds its row in one more statement
    assert len(statements) <= 21, "\n".join(statements)
    assert sum(s.startswith("INSERT INTO ledger_voucher_money") for s in statements) == 1
    db.session.refresh(voucher)
    assert voucher.state is VoucherState.POSTED
    assert all(line.posted for line in voucher.lines)
    assert len(voucher.lines) == 6


def _reviewed_voucher(org: Any, book: Any, *, lines: int) -> Voucher:
    """A reviewed voucher of ``lines`` lines (rent received into the bank, split)."""
    from coopledger.ledger import vouchers
    from tests.ledger_helpers import line, run

    amounts = [f"{100 + i}.00" for i in range(lines - 1)]
    total = sum(Decimal(a) for a in amounts)
    drafted = vouchers.save_voucher(org, voucher=None, on=dt.date(2024, 3, 6), lines=[
        *[line("收到土地租金", "102", amount) for amount in amounts],
        line("收到土地租金", "501", credit=f"{total:.2f}")],
        attachment_count=1, by=book.user("accountant"), today=dates.today())
    reviewed = run(drafted, book.user("accountant"), book.user("reviewer"), "reviewed")
    db.session.commit()
    return reviewed
