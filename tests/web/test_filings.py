"""Upward filings (issue 21) on a hand-made ledger and register: every row of every table
compared with the figures worked out by hand, every balance rule tried failing, the 万元
rounding and the summary's exactness, the submit → return → resubmit → accept workflow with its
frozen versions, and the files in the form's layout."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from coopledger import dates
from coopledger.assets.resource_models import ResourceKind, ResourceStatus
from coopledger.assets.resources import ResourceData, create_resource
from coopledger.auth.models import RoleAssignment
from coopledger.auth.roles import Role
from coopledger.extensions import db
from coopledger.files.stores import store
from coopledger.filings import archive, archive_check, rules, services, tables
from coopledger.filings.models import Archive, FilingState
from coopledger.filings.services import FilingError
from coopledger.ledger import periods, vouchers
from coopledger.ledger.books import accounts_by_code, add_subaccount
from coopledger.ledger.models import Voucher
from coopledger.orgs.models import Organisation
from tests.conftest import Auth
from tests.distribution_helpers import close_year
from tests.ledger_helpers import book_with_vouchers, line, run

D = Decimal
ENTRIES = [  # (day, debit, credit, amount, summary) of 石安村's hand-made 2024
    ("03-01", "102", "50101", "60000.00", "收到鱼塘发包款"),
    ("03-05", "102", "50102", "40000.00", "销售苗木"),
    ("04-01", "511", "102", "10000.00", "苗木成本"),
    ("04-02", "512", "102", "1000.00", "税金及附加"),
    ("05-01", "51301", "102", "8000.00", "村干部报酬"),
    ("05-02", "51302", "102", "2000.00", "办公费"),
    ("06-01", "102", "502", "5000.00", "分得投资收益"),
    ("06-02", "102", "503", "20000.00", "收到上级补助"),
    ("06-03", "102", "504", "349.00", "存款利息"),
    ("07-01", "514", "102", "3000.00", "公益支出"),
    ("07-02", "515", "102", "700.00", "其他支出"),
    ("08-01", "13101", "102", "6000.00", "购入育肥猪"),
    ("09-01", "102", "24101", "50000.00", "收到征地补偿款"),
    ("10-01", "151", "102", "30000.00", "购入农机"),
]


def _post(org: Organisation, by_name: Any, on: dt.date, debit: str, credit: str, amount: str,
          summary: str) -> None:
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    voucher = vouchers.save_voucher(org, voucher=None, on=on, lines=[
        line(summary, debit, amount), line(summary, credit, credit=amount)],
        attachment_count=1, by=accountant, today=dates.today())
    run(voucher, accountant, reviewer)


def _hand_made_2024(by_name: Any, *, close: bool = True) -> Organisation:
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    chart = accounts_by_code(org)
    for parent, code, name in (("501", "50101", "发包收入"), ("501", "50102", "销售收入"),
                               ("513", "51301", "干部报酬"), ("513", "51302", "办公费"),
                               ("131", "13101", "育肥猪"), ("241", "24101", "征地补偿款")):
        add_subaccount(chart[parent], code=code, name=name, by=accountant)
    for day, debit, credit, amount, summary in ENTRIES:
        _post(org, by_name, dt.date.fromisoformat(f"2024-{day}"), debit, credit, amount,
              summary)
    for number, kind, area, status in (
            ("ZY-1", ResourceKind.ARABLE, "100.00", ResourceStatus.CONTRACTED_OUT),
            ("ZY-2", ResourceKind.ARABLE, "20.00", ResourceStatus.IDLE),
            ("ZY-3", ResourceKind.FOREST, "50.00", ResourceStatus.SELF_OPERATED),
            ("ZY-4", ResourceKind.BUILDING, "1.50", ResourceStatus.SELF_OPERATED)):
        create_resource(org, ResourceData(number=number, name=number, kind=kind,
                                          area_mu=D(area), status=status), by=accountant)
    if close:
        close_year(org, 2024, accountant=accountant, reviewer=reviewer)
    db.session.flush()
    return org


INCOME_DISTRIBUTION = {  # 表六, in yuan (counts for 22–28)
    "1": "40000.00", "2": "60000.00", "3": "5000.00", "4": "11000.00", "5": "10000.00",
    "6": "8000.00", "7": "84000.00", "8": "20000.00", "9": "349.00", "10": "3700.00",
    "11": "100649.00", "12": "0.00", "13": "0.00", "14": "100649.00", "15": "0.00",
    "16": "0.00", "17": "0.00", "18": "0", "19": "0.00", "20": "0.00", "21": "100649.00",
    "22": "1", "23": "0", "24": "1", "25": "1", "26": "0", "27": "1", "28": "0",
    "N2": "50000.00",
}
BALANCE_STATISTICS = {  # 表七 at 31 December 2024
    "1": "214649.00", "2": "214649.00", "3": "0.00", "4": "0.00", "5": "0.00",
    "6": "6000.00", "7": "6000.00", "8": "0.00", "9": "30000.00", "10": "0.00",
    "11": "30000.00", "12": "30000.00", "13": "0.00", "14": "30000.00", "15": "0.00",
    "16": "0.00", "17": "0.00", "18": "250649.00", "19": "0.00", "20": "0.00", "21": "0.00",
    "22": "0.00", "23": "0.00", "24": "50000.00", "25": "0.00", "26": "0.00",
    "27": "50000.00", "28": "50000.00", "29": "200649.00", "30": "100000.00", "31": "0.00",
    "32": "100649.00", "33": "250649.00",
}
RESOURCES = {  # 农清明细20: 亩 (the building is not a resource asset)
    "1": "170.00", "2": "3", "3": "120.00", "4": "100.00", "5": "0", "6": "20.00",
    "7": "0", "8": "0", "9": "0", "10": "0", "11": "50.00", "12": "0", "13": "50.00",
    "14": "0",
}


def _as_dict(values: dict[str, D], codes: dict[str, str]) -> dict[str, D]:
    return {code: values[code] for code in codes}


def test_every_row_of_the_statistics_tables_matches_the_hand_made_ledger(by_name: Any) -> None:
    org = _hand_made_2024(by_name)
    computed = tables.year_tables(org, 2024)
    income = computed.table("income_distribution")
    balance = computed.table("balance_statistics")
    assert income is not None
    assert balance is not None
    assert _as_dict(income.exact, INCOME_DISTRIBUTION) == {
        code: D(text) for code, text in INCOME_DISTRIBUTION.items()}
    assert _as_dict(balance.exact, BALANCE_STATISTICS) == {
        code: D(text) for code, text in BALANCE_STATISTICS.items()}
    # 万元, two decimals, rounded once per figure
    assert income.reported["11"] == D("10.06")
    assert income.reported["9"] == D("0.03")
    assert income.reported["27"] == D("1")
    assert computed.failing == 0
    assert computed.closed


def test_the_asset_check_tables_are_the_balance_sheet_and_the_resource_register(
        by_name: Any) -> None:
    org = _hand_made_2024(by_name)
    computed = tables.year_tables(org, 2024)
    check, resources = computed.table("asset_check"), computed.table("resources")
    assert check is not None
    assert resources is not None
    assert {code: check.exact[code] for code in ("1", "5", "6", "11", "13", "22", "23", "32",
                                                 "34", "35", "37", "38", "39")} == {
        "1": D("214649.00"), "5": D("6000.00"), "6": D("220649.00"), "11": D("30000.00"),
        "13": D("30000.00"), "22": D("30000.00"), "23": D("250649.00"), "32": D("50000.00"),
        "34": D("50000.00"), "35": D("100000.00"), "37": D("100649.00"),
        "38": D("200649.00"), "39": D("250649.00")}
    assert check.reported["23"] == D("250649.00")            # the asset check is in 元
    assert {code: resources.exact[code] for code in RESOURCES} == {
        code: D(text) for code, text in RESOURCES.items()}
    assert computed.last_source == ""                       # the books' first year


def test_every_balance_rule_fails_when_its_left_side_is_off(by_name: Any) -> None:
    org = _hand_made_2024(by_name)
    computed = tables.year_tables(org, 2024)
    source = lambda term: D(0)  # noqa: E731 - the checks below name rows only
    tried = 0
    for table in computed.tables:
        for rule in table.form.checks:
            broken = dict(table.exact)
            broken[rule.left] += {"=": D("0.01"), "<=": D("1000000.00"),
                                  ">=": D("-1000000.00")}[rule.op]
            [result] = rules.check([rule], broken, rules.reported(broken, table.form.units),
                                   source, lambda v: v)
            if rule.only_if and not result.applies:
                continue
            assert not result.holds, (table.form.key, rule.text)
            tried += 1
    assert tried >= 28


def test_a_year_not_closed_cannot_be_submitted(by_name: Any) -> None:
    org = _hand_made_2024(by_name, close=False)
    with pytest.raises(FilingError, match="尚未结账"):
        services.submit(org, 2024, by=by_name.user("accountant"))


def test_submit_return_resubmit_accept_keeps_every_version(by_name: Any) -> None:
    org = _hand_made_2024(by_name)
    accountant, auditor = by_name.user("accountant"), by_name.user("auditor")
    first = services.submit(org, 2024, by=accountant)
    assert (first.version, first.state) == (1, FilingState.SUBMITTED)
    assert first.digest == hashlib.sha256(first.contents.encode("utf-8")).hexdigest()
    body = json.loads(first.contents)
    assert body["forms"]["income_distribution"]["11"] == "100649.00"
    assert body["ledger_head"] == first.ledger_head != ""
    with pytest.raises(FilingError, match="已经报送"):
        services.submit(org, 2024, by=accountant)
    with pytest.raises(FilingError, match="报送人不能审核自己报送的报表"):
        services.accept(first, by=accountant)
    with pytest.raises(FilingError, match="没有执行这一步的权限"):
        services.accept(first, by=by_name.user("reviewer"))
    with pytest.raises(FilingError, match="必须写明原因"):
        services.return_filing(first, reason="  ", by=auditor)
    services.return_filing(first, reason="征地补偿款请单独说明", by=auditor)
    assert services.state_of(org, 2024) == "returned"
    second = services.submit(org, 2024, by=accountant)
    assert second.version == 2
    services.accept(second, by=auditor)
    assert [(f.version, f.state) for f in tables.versions(org, 2024)] == [
        (2, FilingState.ACCEPTED), (1, FilingState.RETURNED)]
    assert first.review_note == "征地补偿款请单独说明"
    with pytest.raises(FilingError, match="只有已报送、待审核的报表才能退回"):
        services.return_filing(second, reason="再看看", by=auditor)


def test_a_change_in_the_books_after_submission_shows_as_a_difference(by_name: Any) -> None:
    org = _hand_made_2024(by_name)
    filing = services.submit(org, 2024, by=by_name.user("accountant"))
    periods.reopen_month(org, 2024, 12, reason="补记利息", by=by_name.user("admin"))
    _post(org, by_name, dt.date(2024, 12, 31), "102", "504", "51.00", "补记存款利息")
    db.session.flush()
    frozen = tables.year_tables(org, 2024, filing=filing)
    now = tables.year_tables(org, 2024)
    found = {(form.key, code): (before, after)
             for form, code, before, after in tables.differences(filing, now)}
    assert found[("income_distribution", "9")] == (D("349.00"), D("400.00"))
    assert found[("balance_statistics", "2")] == (D("214649.00"), D("214700.00"))
    assert frozen.table("income_distribution").exact["9"] == D("349.00")  # type: ignore[union-attr]


def test_large_changes_must_be_explained_before_the_next_year_is_submitted(
        by_name: Any) -> None:
    org = _hand_made_2024(by_name)
    accountant, auditor = by_name.user("accountant"), by_name.user("auditor")
    services.accept(services.submit(org, 2024, by=accountant), by=auditor)
    _post(org, by_name, dt.date(2025, 3, 1), "102", "50101", "61000.00", "收到鱼塘发包款")
    _post(org, by_name, dt.date(2025, 3, 2), "102", "504", "349.00", "存款利息")
    close_year(org, 2025, accountant=accountant, reviewer=by_name.user("reviewer"))
    computed = tables.year_tables(org, 2025)
    assert computed.last_source == "filing"
    income = computed.table("income_distribution")
    assert income is not None
    changed = {c.code for c in income.changes}
    assert "2" not in changed                        # 60,000 → 61,000: within ±30 %
    assert {"1", "4", "5", "8", "11"} <= changed  # gone to zero or fallen by more
    assert "7" not in changed                        # 84,000 → 61,000: −27 %
    assert income.last["11"] == D("100649.00")
    with pytest.raises(FilingError, match="还没有说明"):
        services.submit(org, 2025, by=accountant)
    for table in computed.tables:
        for change in table.changes:
            services.explain(org, 2025, table.form.key, change.code, "本年苗木未销售",
                             by=accountant)
    filing = services.submit(org, 2025, by=accountant)
    body = json.loads(filing.contents)
    assert body["explanations"]["income_distribution"]["11"] == "本年苗木未销售"
    check = tables.year_tables(org, 2025).table("asset_check")
    assert check is not None
    assert check.last["23"] == D("250649.00")        # 上年核实数 from the accepted 2024


def test_the_township_summary_sums_exactly_and_shows_the_rounding_gap(by_name: Any) -> None:
    village = _hand_made_2024(by_name)
    other = by_name.org("tashan-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    auditor = by_name.user("auditor")
    for user, role in ((accountant, Role.ACCOUNTANT), (reviewer, Role.REVIEWER)):
        db.session.add(RoleAssignment(user=user, role=role, organisation_id=other.id))
    db.session.flush()
    book_with_vouchers(other, accountant, reviewer)
    _post(other, by_name, dt.date(2024, 5, 1), "102", "504", "49.00", "存款利息")
    close_year(other, 2024, accountant=accountant, reviewer=reviewer)
    coop = by_name.org("shian-tdgf")
    book_with_vouchers(coop, by_name.user("accountant"), by_name.user("reviewer"))
    services.accept(services.submit(village, 2024, by=by_name.user("accountant")), by=auditor)
    services.accept(services.submit(other, 2024, by=accountant), by=auditor)
    township = by_name.township("tashan")
    summary = services.summarise(township, 2024, by=auditor)
    body = services.summary_body(summary)
    assert summary.digest == hashlib.sha256(summary.contents.encode("utf-8")).hexdigest()
    assert [o["code"] for o in body["organisations"]] == ["shian-jjhzs", "tashan-jjhzs"]
    assert [m["code"] for m in body["missing"]] == ["shian-tdgf"]  # books open, not filed
    sums = body["forms"]["income_distribution"]
    assert (sums["9"], body["reported"]["income_distribution"]["9"],
            body["sum_of_reported"]["income_distribution"]["9"]) == ("398.00", "0.04", "0.03")
    assert (sums["22"], sums["24"], sums["25"], sums["27"]) == ("2", "2", "1", "1")
    assert body["forms"]["balance_statistics"]["18"] == str(D("250649.00") + D("100049.00"))


def test_the_year_page_and_the_files_show_the_forms_layout(client: FlaskClient, auth: Auth,
                                                          by_name: Any) -> None:
    _hand_made_2024(by_name)
    db.session.commit()
    auth.login("accountant")
    page = client.get("/o/shian-jjhzs/filings/2024/").get_data(as_text=True)
    assert 'data-row="11"' in page
    assert "10.06" in page
    assert "100,649.00" in page
    assert "不填报 19-2" in page                       # no wholly owned enterprise recorded
    assert "报送本年度报表" in page
    xlsx = client.get("/o/shian-jjhzs/filings/2024/income_distribution.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "村集体经济组织收益分配统计表"
    assert rows[1][0] == "表号：农市(经)年综6表"
    assert rows[2] == ["指标名称", "代码", "计量单位", "数量", "精确数（元）"]
    by_code = {row[1]: row for row in rows[3:] if row[1]}
    assert by_code["11"][3] == D("10.06") or by_code["11"][3] == 10.06
    assert by_code["22"][3] == 1
    assert rows[-1][:3] == ["单位负责人：", "统计负责人：", "填表人："]
    pdf = client.get("/o/shian-jjhzs/filings/2024/balance_statistics.pdf")
    assert pdf.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.data,
                          capture_output=True, check=True).stdout.decode("utf-8")
    assert "农市(经)年综7表" in text
    assert "单位负责人" in text
    assert "25.06" in text                              # 资产总计 250,649 元 in 万元


def test_the_auditor_returns_and_the_accountant_sees_why(client: FlaskClient, auth: Auth,
                                                        by_name: Any) -> None:
    org = _hand_made_2024(by_name)
    filing = services.submit(org, 2024, by=by_name.user("accountant"))
    db.session.commit()
    auth.login("auditor")
    response = client.post(f"/o/shian-jjhzs/filings/versions/{filing.id}/return",
                           data={"reason": "请核对补助收入"}, follow_redirects=True)
    assert "报表已退回" in response.get_data(as_text=True)
    auth.login("accountant")
    page = client.get("/o/shian-jjhzs/filings/2024/").get_data(as_text=True)
    assert "第 1 版已被乡镇退回：请核对补助收入" in page
    assert 'data-state="returned"' in page
    refused = client.post(f"/o/shian-jjhzs/filings/versions/{filing.id}/accept")
    assert refused.status_code == 403
    for odd in ("abc", "0", "99", "9" * 30, "-1"):
        assert client.get(f"/o/shian-jjhzs/filings/2024/?version={odd}").status_code == 404
    assert client.get("/o/shian-jjhzs/filings/2023/").status_code == 404   # before the books
    assert client.get("/o/shian-jjhzs/filings/2024/nothing.xlsx").status_code == 404


def test_the_dashboard_shows_each_years_filing_and_warns_when_it_is_overdue(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    org = _hand_made_2024(by_name)
    db.session.commit()
    auth.login("auditor")
    row = _dashboard_row(client, "2025-03-31")
    assert 'data-state="due"' in row
    assert "截止 2025-03-31" in row
    row = _dashboard_row(client, "2025-04-01")
    assert 'data-state="overdue"' in row
    page = client.get("/o/shian-jjhzs/supervision/?on=2025-04-01").get_data(as_text=True)
    assert 'data-rule="filing_overdue"' in page
    assert "年度报表逾期未报送" in page
    assert "/o/shian-jjhzs/filings/2024/" in page
    filing = services.submit(org, 2024, by=by_name.user("accountant"))
    services.return_filing(filing, reason="请补充说明", by=by_name.user("auditor"))
    db.session.commit()
    assert 'data-state="returned"' in _dashboard_row(client, "2025-04-01")
    page = client.get("/o/shian-jjhzs/supervision/?on=2025-04-01").get_data(as_text=True)
    assert "退回后逾期未重新报送" in page


def _dashboard_row(client: FlaskClient, on: str) -> str:
    page = client.get(f"/supervision/?on={on}").get_data(as_text=True)
    match = re.search(r'<tr data-org="shian-jjhzs".*?</tr>', page, re.S)
    assert match is not None
    return match.group(0)


def test_the_county_accepts_a_township_summary_and_sums_its_townships(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    village = _hand_made_2024(by_name)
    auditor, county = by_name.user("auditor"), by_name.user("county")
    services.accept(services.submit(village, 2024, by=by_name.user("accountant")), by=auditor)
    tashan = by_name.township("tashan")
    first = services.summarise(tashan, 2024, by=auditor)
    with pytest.raises(FilingError, match="生成汇总表的人不能审核"):
        services.accept_summary(first, by=auditor)          # the township does not review itself
    with pytest.raises(FilingError, match="没有执行这一步的权限"):
        services.accept_summary(first, by=by_name.user("accountant"))
    services.return_summary(first, reason="请说明未报单位", by=county)
    with pytest.raises(FilingError, match="只有待县级审核的汇总表才能通过"):
        services.accept_summary(first, by=county)
    with pytest.raises(FilingError, match="还没有县级审核通过"):
        services.summarise_county("建平县", 2024, by=county)
    second = services.summarise(tashan, 2024, by=auditor)
    assert second.version == 2
    services.accept_summary(second, by=county)
    total = services.summarise_county("建平县", 2024, by=county)
    body = services.summary_body(total)
    assert [t["code"] for t in body["townships"]] == ["tashan"]
    assert [t["code"] for t in body["missing"]] == ["jinshi"]
    assert body["forms"]["income_distribution"]["11"] == "100649.00"
    assert body["reported"]["income_distribution"]["11"] == "10.06"
    assert total.digest == hashlib.sha256(total.contents.encode("utf-8")).hexdigest()
    with pytest.raises(FilingError, match="没有审核这个县"):
        services.summarise_county("建平县", 2024, by=auditor)
    db.session.commit()
    auth.login("county")
    page = client.get("/c/建平县/filings/2024/").get_data(as_text=True)
    assert 'data-township="tashan" data-state="accepted"' in page
    assert 'data-missing="jinshi"' in page
    assert client.get("/c/其他县/filings/2024/").status_code == 404
    auth.login("auditor")
    assert client.get("/c/建平县/filings/2024/").status_code == 403


def _archive_of(org: Organisation, tmp_path: Path) -> tuple[bytes, dict[str, Any]]:
    path, manifest, _seal = archive.build(org, 2024, storage=store(), out_dir=tmp_path,
                                          progress=lambda percent, message: None)
    return path.read_bytes(), manifest


def test_the_yearly_archive_lists_every_file_and_verifies(by_name: Any, tmp_path: Path,
                                                          app: Flask) -> None:
    org = _hand_made_2024(by_name)
    accountant = by_name.user("accountant")
    services.accept(services.submit(org, 2024, by=accountant), by=by_name.user("auditor"))
    data, manifest = _archive_of(org, tmp_path)
    paths = [entry["path"] for entry in manifest["files"]]
    assert "ledger/shian-jjhzs.beancount" in paths
    assert [p for p in paths if p.startswith("vouchers/2024-")] == [
        f"vouchers/2024-{m:02d}.pdf" for m in (1, 3, 4, 5, 6, 7, 8, 9, 10, 12)]  # with postings
    assert {"books/trial_balance.pdf", "books/balance_sheet.xlsx",
            "books/income_statement.pdf", "books/detail_ledger/102-银行存款.xlsx",
            "filings/2024-v1.json", "filings/农市(经)年综6表.xlsx"} <= set(paths)
    assert manifest["ledger_head"] == db.session.scalars(sa.select(Voucher.chain_hash).where(
        Voucher.organisation_id == org.id, Voucher.on <= dt.date(2024, 12, 31))
        .order_by(Voucher.post_seq.desc())).first()
    verdict = archive_check.verify(data)
    assert verdict.ok, verdict.problems
    assert (verdict.organisation, verdict.year, verdict.files) == ("shian-jjhzs", 2024,
                                                                   len(paths))
    march = zipfile.ZipFile(io.BytesIO(data)).read("vouchers/2024-03.pdf")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=march,
                          capture_output=True, check=True).stdout.decode("utf-8")
    assert "收到鱼塘发包款" in text
    assert "陆万元整" in text                      # the 大写 of 60,000.00


def _rewritten(data: bytes, change: Any) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = change(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def test_the_archive_is_refused_after_any_byte_of_any_file_changes(by_name: Any,
                                                                    tmp_path: Path) -> None:
    org = _hand_made_2024(by_name)
    data, manifest = _archive_of(org, tmp_path)
    names = [entry["path"] for entry in manifest["files"]] + [archive_check.MANIFEST,
                                                              archive_check.SEAL]
    for name in names:
        def flip(member: str, content: bytes, target: str = name) -> bytes:
            if member != target:
                return content
            middle = len(content) // 2
            return content[:middle] + bytes([content[middle] ^ 1]) + content[middle + 1:]
        assert not archive_check.verify(_rewritten(data, flip)).ok, name
    missing = archive_check.verify(_rewritten(
        data, lambda member, content: None if member == "books/trial_balance.pdf" else content))
    assert missing.problems == ("missing: books/trial_balance.pdf",)
    grown = io.BytesIO(_rewritten(data, lambda member, content: content))
    with zipfile.ZipFile(grown, "a") as extra:
        extra.writestr("vouchers/extra.png", b"\x89PNG")
    assert archive_check.verify(grown.getvalue()).problems == (
        "not in the manifest: vouchers/extra.png",)
    assert archive_check.verify(b"not a zip").problems[0].startswith("not a coopledger archive")


def test_the_archive_job_keeps_it_for_the_township_and_the_cli_verifies_it(
        client: FlaskClient, auth: Auth, by_name: Any, app: Flask, tmp_path: Path) -> None:
    _hand_made_2024(by_name)
    db.session.commit()
    auth.login("accountant")
    started = client.post("/o/shian-jjhzs/filings/2024/archive")
    assert started.status_code == 302
    assert "/jobs/" in started.headers["Location"]
    found = db.session.scalars(sa.select(Archive)).one()
    auth.login("auditor")
    page = client.get("/o/shian-jjhzs/filings/2024/").get_data(as_text=True)
    assert f'data-archive="{found.id}"' in page
    download = client.get(f"/o/shian-jjhzs/filings/archives/{found.id}.zip")
    assert download.status_code == 200
    target = tmp_path / "archive.zip"
    target.write_bytes(download.data)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["verify-archive", str(target)])
    assert result.exit_code == 0, result.output
    assert "files intact" in result.output
    assert "checked against the hash chain" in result.output
    broken = tmp_path / "broken.zip"
    broken.write_bytes(_rewritten(download.data, lambda member, content: content + b" "
                                  if member == "ledger/shian-jjhzs.beancount" else content))
    result = runner.invoke(args=["verify-archive", str(broken)])
    assert result.exit_code == 1
    assert "FAIL: changed: ledger/shian-jjhzs.beancount" in result.output


def test_the_township_summary_downloads_in_the_forms_layout(client: FlaskClient, auth: Auth,
                                                            by_name: Any) -> None:
    village = _hand_made_2024(by_name)
    auditor = by_name.user("auditor")
    services.accept(services.submit(village, 2024, by=by_name.user("accountant")), by=auditor)
    services.summarise(by_name.township("tashan"), 2024, by=auditor)
    db.session.commit()
    auth.login("auditor")
    page = client.get("/t/tashan/filings/2024/").get_data(as_text=True)
    assert "/t/tashan/filings/2024/summary/income_distribution.xlsx" in page
    xlsx = client.get("/t/tashan/filings/2024/summary/income_distribution.xlsx")
    rows = [[cell.value for cell in row]
            for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows()]
    assert rows[2] == ["指标名称", "代码", "计量单位", "数量", "精确数（元）", "各单位数量之和"]
    by_code = {row[1]: row for row in rows[3:] if row[1]}
    assert by_code["11"][3] in (D("10.06"), 10.06)
    assert by_code["22"][3] == 1
    assert client.get("/t/tashan/filings/2024/summary/nothing.xlsx").status_code == 404
