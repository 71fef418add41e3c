"""The share register via the web and the services: requests, refusals, holdings, certificates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopledger.extensions import db
from coopledger.members.models import Household
from coopledger.shares import queries, rules, services
from coopledger.shares.models import (
    Certificate,
    OperationKind,
    OperationState,
    ShareKind,
    ShareOperation,
)
from tests.conftest import Auth

URL = "/o/shian-tdgf/shares"


def _hh(head: str) -> Household:
    return db.session.scalars(sa.select(Household).where(Household.head_name == head)).one()


def _request(client: FlaskClient, **fields: Any) -> str:
    data = {"kind": "transfer", "share_class": 0, "source": 0, "target": 0, "quantity": "1",
            "effective_on": "2025-06-01", "counterparty": "", "reason": "测试", "document": ""}
    data.update(fields)
    response = client.post(f"{URL}/new", data=data, follow_redirects=True)
    return response.get_data(as_text=True)


def _land_class_id(by_name: Any) -> int:
    land = services.class_of(by_name.org("shian-tdgf"), ShareKind.LAND)
    assert land is not None
    return land.id


def test_land_contribution_files_the_shares_with_its_calculation(session: Any,
                                                                 by_name: Any) -> None:
    op = db.session.scalars(sa.select(ShareOperation).where(
        ShareOperation.reason == "地块 SA-01-013 入股")).one()
    assert op.quantity == Decimal("0.7400")
    assert op.calculation == "0.9200 亩 × 0.8000 × 1.0000 股/亩 = 0.736 → 0.74 股"
    assert op.state is OperationState.DONE


def test_transfer_through_the_web_reissues_both_certificates(client: FlaskClient, auth: Auth,
                                                             by_name: Any) -> None:
    auth.login("accountant")
    giver, receiver = _hh("刘秀珍"), _hh("张福生")
    page = _request(client, share_class=_land_class_id(by_name), source=giver.id,
                    target=receiver.id, quantity="0.5000", effective_on="2025-06-01")
    assert "已提交第" in page
    op = db.session.scalars(sa.select(ShareOperation).order_by(ShareOperation.id.desc())).first()
    assert op is not None
    client.post(f"{URL}/{op.id}/approve")
    client.post(f"{URL}/{op.id}/complete")
    assert db.session.get(ShareOperation, op.id).state is OperationState.DONE  # type: ignore[union-attr]
    org = by_name.org("shian-tdgf")
    table = queries.holdings(org, dt.date(2025, 6, 1))
    giver_account = services.household_account(org, giver)
    assert table[(giver_account.id, op.share_class_id)][0] == Decimal("1.4200")
    current = db.session.scalars(sa.select(Certificate).where(
        Certificate.account_id == giver_account.id).order_by(Certificate.version.desc())).first()
    assert current is not None
    assert current.version == 2
    assert current.holdings == {"土地股": "1.4200"}


@pytest.mark.parametrize(("fields", "reason"), [
    ({"source": "王德明", "target": "陈大山", "quantity": "50"}, "可用（未质押）的股份只有"),
    ({"source": "李桂兰", "target": "陈大山", "quantity": "0.8"},
     "可用（未质押）的股份只有 0.7900 股"),
    ({"source": "王德明", "target": "陈大山", "quantity": "1", "effective_on": "2099-01-01"},
     "今天之后"),
    ({"source": "王德明", "target": "王德明", "quantity": "1"}, "不能是同一户"),
    ({"source": "王德明", "target": "陈大山", "quantity": "0.00001"}, "最多只能有四位小数"),
    ({"kind": "subscribe", "target": "collective", "quantity": "1"},
     "村集体经济组织只能持有集体股"),
    ({"kind": "pledge", "source": "王德明", "quantity": "1"}, "质押须填写质权人"),
    ({"source": "王德明", "target": "陈大山", "quantity": "1", "effective_on": "2023-06-01"},
     "不是本社成员"),
])
def test_refused_requests_say_why_and_change_nothing(client: FlaskClient, auth: Auth,
                                                     by_name: Any, fields: dict[str, str],
                                                     reason: str) -> None:
    auth.login("accountant")
    before = db.session.scalar(sa.select(sa.func.count(ShareOperation.id)))
    chosen = dict(fields)
    for side in ("source", "target"):
        if side in chosen:
            chosen[side] = -1 if chosen[side] == "collective" else _hh(chosen[side]).id
    page = _request(client, share_class=_land_class_id(by_name), **chosen)
    if "已提交第" in page:  # the register check runs at approval
        op = db.session.scalars(sa.select(ShareOperation).order_by(
            ShareOperation.id.desc())).first()
        assert op is not None
        page = client.post(f"{URL}/{op.id}/approve", follow_redirects=True).get_data(
            as_text=True)
        assert db.session.get(ShareOperation, op.id).state is OperationState.DRAFT  # type: ignore[union-attr]
    else:
        assert db.session.scalar(sa.select(sa.func.count(ShareOperation.id))) == before
    assert reason in page


def test_buyback_cap_is_enforced(session: Any, by_name: Any) -> None:
    org = by_name.org("shian-tdgf")
    land = services.class_of(org, ShareKind.LAND)
    assert land is not None
    account = services.household_account(org, _hh("张福生"))
    today = dt.date(2026, 1, 1)
    first = services.request(org, kind=OperationKind.BUYBACK, share_class=land, source=account,
                             target=None, quantity=Decimal("0.7000"), on=dt.date(2025, 8, 1),
                             today=today, by=None)
    services.approve(first, today=today, by=None)
    second = services.request(org, kind=OperationKind.BUYBACK, share_class=land,
                              source=account, target=None, quantity=Decimal("0.0300"),
                              on=dt.date(2025, 9, 1), today=today, by=None)
    with pytest.raises(rules.ShareRuleError) as excinfo:
        services.approve(second, today=today, by=None)
    assert "超过年度上限 0.7270 股" in str(excinfo.value)


def test_holdings_page_totals_equal_the_register(client: FlaskClient, auth: Auth) -> None:
    auth.login("reviewer")
    page = client.get(f"{URL}/holdings?on=2025-12-31").get_data(as_text=True)
    assert re.findall(r'id="total-\d">([^<]*)<', page) == ["12.0400", "2.5000"]
    early = client.get(f"{URL}/holdings?on=2023-12-31").get_data(as_text=True)
    assert "这一天还没有人持股" in early


def _check_url(serial: str, version: int) -> str:
    from coopledger.shares.models import Certificate

    token = db.session.scalars(sa.select(Certificate.token).where(
        Certificate.serial == serial, Certificate.version == version)).one()
    return f"/c/{serial}/{version}/{token}"


def test_public_check_tells_current_from_cancelled(client: FlaskClient, session: Any) -> None:
    current = client.get(_check_url("SHIAN-TDGF-00001", 3)).get_data(as_text=True)
    assert "这是现行有效的股权证" in current
    assert "陈大山" not in current
    facts = current.split('id="certificate-facts"')[1].split("</dl>")[0]
    assert "陈**户" in facts                     # the holder masked as elsewhere
    assert "股" in facts                          # the shares per class, as printed
    old = client.get(_check_url("SHIAN-TDGF-00001", 1)).get_data(as_text=True)
    assert "这一版已于" in old
    assert "现行为第 3 版" in old
    assert client.get("/c/SHIAN-TDGF-00001/9").status_code == 404
    # a serial without its token, or with a guessed one, finds nothing
    assert client.get("/c/SHIAN-TDGF-00001/3").status_code == 404
    assert client.get("/c/SHIAN-TDGF-00001/3/guess").status_code == 404


def test_member_downloads_only_their_own_certificate(client: FlaskClient, auth: Auth,
                                                     tmp_path: Any) -> None:
    from pypdf import PdfReader

    auth.login("member")
    page = client.get("/my/household").get_data(as_text=True)
    assert "土地股：<strong>3.0900</strong>" in page
    own = re.findall(r"/certificates/(\d+)\.pdf", page)
    response = client.get(f"/certificates/{own[0]}.pdf")
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(response.data)
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "股权证" in text
    assert "3.0900股" in text
    others = db.session.scalars(sa.select(Certificate.id).where(
        Certificate.id.not_in([int(i) for i in own]))).all()
    assert client.get(f"/certificates/{others[0]}.pdf").status_code == 403


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(
    st.sampled_from([OperationKind.INCREASE, OperationKind.TRANSFER, OperationKind.BUYBACK,
                     OperationKind.PLEDGE, OperationKind.RELEASE]),
    st.integers(min_value=1, max_value=300), st.integers(min_value=0, max_value=600),
    st.sampled_from(["陈大山", "王德明", "李桂兰"]), st.sampled_from(["陈大山", "王德明"])),
    max_size=12))
def test_sql_holdings_equal_the_fold_of_the_register(
        session: Any, by_name: Any, specs: list[tuple[OperationKind, int, int, str, str]]) -> None:
    nested = db.session.begin_nested()
    try:
        org = by_name.org("shian-tdgf")
        settings_row = services.settings_of(org)
        settings_row.buyback_cap_percent = Decimal("100")
        land = services.class_of(org, ShareKind.LAND)
        assert land is not None
        today = dt.date(2026, 6, 1)
        for kind, centi, offset, first, second in specs:
            source = None if kind is OperationKind.INCREASE else services.household_account(
                org, _hh(first))
            target = services.household_account(org, _hh(second)) if kind in (
                OperationKind.INCREASE, OperationKind.TRANSFER) else None
            try:
                op = services.request(org, kind=kind, share_class=land, source=source,
                                      target=target, quantity=Decimal(centi) / 100,
                                      on=dt.date(2024, 2, 1) + dt.timedelta(days=offset),
                                      today=today, by=None, counterparty="银行")
                services.approve(op, today=today, by=None)
                services.complete(op, today=today, by=None)
            except rules.ShareRuleError:
                continue
        done = [services._as_rule(o) for o in db.session.scalars(sa.select(ShareOperation).where(
            ShareOperation.organisation_id == org.id,
            ShareOperation.state == OperationState.DONE))]
        for day in (dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(0, 900, 45)):
            expected, pledged = rules.fold(done, as_of=day)
            table = queries.holdings(org, day)
            assert {k: v[0] for k, v in table.items() if v[0]} == {
                k: v for k, v in expected.items() if v}
            assert {k: v[1] for k, v in table.items() if v[1]} == {
                k: v for k, v in pledged.items() if v}
            assert all(held >= 0 and 0 <= locked <= held for held, locked in table.values())
    finally:
        nested.rollback()


def test_capital_movements_draft_their_vouchers(client: FlaskClient, auth: Auth,
                                                by_name: Any) -> None:
    from coopledger.ledger.models import Voucher, VoucherState
    from tests.ledger_helpers import book_with_vouchers

    org = by_name.org("shian-tdgf")
    book_with_vouchers(org, by_name.user("accountant"), by_name.user("reviewer"))
    land = services.class_of(org, ShareKind.LAND)
    assert land is not None
    db.session.commit()
    auth.login("accountant")
    client.post(f"{URL}/classes/{land.id}", data={"unit_value": "800.00"})
    household = _hh("张福生")
    client.post(f"/o/shian-tdgf/households/{household.id}/parcels", data={
        "parcel-code": "SA-03-099", "parcel-area": "1.5", "parcel-grade_coefficient": "1"})
    parcel = next(p for p in _hh("张福生").parcels if p.code == "SA-03-099")
    client.post(f"/o/shian-tdgf/parcels/{parcel.id}/contribute", data={"on": "2025-04-01"})
    op = db.session.scalars(sa.select(ShareOperation).where(
        ShareOperation.parcel_id == parcel.id)).one()
    client.post(f"{URL}/{op.id}/approve")
    client.post(f"{URL}/{op.id}/complete")
    done = db.session.get(ShareOperation, op.id)
    assert done is not None
    assert done.voucher_id is not None
    voucher = db.session.get(Voucher, done.voucher_id)
    assert voucher is not None
    assert voucher.state is VoucherState.DRAFT
    assert [(line.account.code, line.debit, line.credit) for line in voucher.lines] == [
        ("161", Decimal("1200.00"), Decimal("0.00")), ("301", Decimal("0.00"), Decimal("1200.00"))]
    assert voucher.summary == f"股权变更第{op.number}号 入股 1.5000股 （2025-04-01）"


def test_holdings_pages_keep_the_totals_of_everyone(client: FlaskClient, auth: Auth,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from coopledger.shares import views

    monkeypatch.setattr(views, "HOLDINGS_PAGE", 2)
    auth.login("accountant")
    first = client.get(f"{URL}/holdings?on=2025-12-31").get_data(as_text=True)
    last = client.get(f"{URL}/holdings?on=2025-12-31&page=3").get_data(as_text=True)
    assert "第 1 / 3 页" in first
    assert "第 3 / 3 页" in last
    for page in (first, last):
        assert "合计（6 户）" in page
        assert re.findall(r'id="total-\d">([^<]*)<', page) == ["12.0400", "2.5000"]
    assert first.count("<tr><td>") == 2
    assert last.count("<tr><td>") == 2


def test_a_request_keeps_its_scanned_supporting_document(client: FlaskClient, auth: Auth,
                                                        by_name: Any) -> None:
    import io

    from coopledger.ledger.sample_books import PLACEHOLDER_PNG

    auth.login("accountant")
    page = client.post(f"{URL}/new", data={
        "kind": "transfer", "share_class": _land_class_id(by_name),
        "source": _hh("王德明").id, "target": _hh("陈大山").id, "quantity": "0.1",
        "effective_on": "2025-06-01", "reason": "转让", "document": "协议 2025-009",
        "scan": (io.BytesIO(PLACEHOLDER_PNG), "协议.png")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    op = db.session.scalars(sa.select(ShareOperation).order_by(ShareOperation.id.desc())).first()
    assert op is not None
    assert (op.document, op.document_name, op.document_type) == (
        "协议 2025-009", "协议.png", "image/png")
    assert "协议.png" in page
    with client.get(f"{URL}/{op.id}/document") as shown:
        assert shown.data == PLACEHOLDER_PNG
    refused = client.post(f"{URL}/new", data={
        "kind": "transfer", "share_class": _land_class_id(by_name),
        "source": _hh("王德明").id, "target": _hh("陈大山").id, "quantity": "0.1",
        "effective_on": "2025-06-01", "scan": (io.BytesIO(b"MZ not a scan"), "x.exe")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "只能上传 JPEG、PNG 图片或 PDF 文件" in refused


def test_no_page_view_writes(client: FlaskClient, auth: Auth, by_name: Any) -> None:
    """A GET stores nothing: the share settings page and the register of an organisation that
    has no share settings used to insert its settings and three share classes, and the books
    page committed whatever it had installed."""
    from coopledger.ledger.models import Account, Book
    from coopledger.shares.models import ShareClass, ShareSettings

    def counts() -> tuple[int, ...]:
        db.session.expire_all()
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
                     for model in (ShareSettings, ShareClass, Book, Account))

    before = counts()
    auth.login("admin")
    for page in ("/o/jinshi-jjhzs/shares/settings", "/o/jinshi-jjhzs/shares/",
                 "/o/jinshi-jjhzs/shares/new", "/o/jinshi-jjhzs/books/"):
        assert client.get(page).status_code == 200, page
    assert counts() == before
