"""Township supervision on a hand-built township of three organisations, judged on 2025-06-20:

- 清水村 (clean): books opened 2025-04-01, April and May closed, an expense with its scan;
- 河东村 (late + cash): 6,000 元 cash from the opening day (limit 5,000), 2025-Q1 never
  published (deadline 15 April), January to May closed;
- 河西村 (finding): April closed but May not, an expense paid with no scan (白条), an audit
  whose finding on it was due 2025-06-10.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from coopledger import dates
from coopledger.auth import services as accounts
from coopledger.auth.roles import Role
from coopledger.disclosure import services as disclosures
from coopledger.extensions import db
from coopledger.files import store
from coopledger.ledger import periods
from coopledger.ledger.attachments import add_attachment
from coopledger.ledger.bookfile import Verification, record_check
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.orgs import services as orgs
from coopledger.orgs.models import AccountingStandard, OrgKind
from coopledger.supervision import queries, services
from coopledger.supervision.models import (
    Finding,
    FindingSeverity,
    FindingState,
    Opinion,
    RuleSnapshot,
)
from coopledger.supervision.rules import Rule, draw_sample
from tests.conftest import PASSWORD, Auth
from tests.ledger_helpers import line, make_voucher, run

ON = "2025-06-20"
DAY = dt.date(2025, 6, 20)


def _org(town: Any, code: str, name: str, credit: str) -> Any:
    village = orgs.create_village(town, code=code, name=name, by=None)
    return orgs.create_organisation(orgs.OrganisationData(
        code=code, name=f"测试镇{name}股份经济合作社", kind=OrgKind.VILLAGE_COLLECTIVE,
        credit_code=credit, standard=AccountingStandard.VILLAGE_2023, village=village,
        leading_org=None), by=None)


def _user(username: str, role: Role, **scope: Any) -> Any:
    user, _ = accounts.create_user(username=username, display_name=username, password=PASSWORD,
                                   by=None, min_password_length=8, must_change_password=False)
    accounts.assign_role(user, role, organisation=scope.get("org"),
                         township=scope.get("township"), by=None)
    return user


def _open(org: Any, on: dt.date, cash: str, by: Any, reviewer: Any) -> None:
    opening = periods.open_books(org, on=on, balances=[
        line("期初余额", "101", cash), line("期初余额", "102", "50000.00"),
        line("期初余额", "301", credit=str(50000 + int(float(cash))) + ".00")], by=by,
        today=dates.today())
    run(opening, by, reviewer)


def _close(org: Any, months: list[int], by: Any) -> None:
    for month in months:
        periods.close_month(org, 2025, month, by=by)


@pytest.fixture
def town(by_name: Any, app: Flask) -> Any:
    """The township above, its auditor, its accountant and a reviewer."""
    township = orgs.create_township(code="ceshi", name="测试镇", county="建平县", by=None)
    clean = _org(township, "qingshui", "清水村", "N2511623MA6XC4A206")
    late = _org(township, "hedong", "河东村", "N2511623MA6XC4A307")
    finding_org = _org(township, "hexi", "河西村", "N2511623MA6XC4A408")
    auditor = _user("ceshi-sj", Role.TOWNSHIP_AUDITOR, township=township)
    accountant = _user("ceshi-kj", Role.ACCOUNTANT, org=clean)
    for org in (late, finding_org):
        accounts.assign_role(accountant, Role.ACCOUNTANT, organisation=org, township=None,
                             by=None)
    reviewer = by_name.user("admin")
    _open(clean, dt.date(2025, 4, 1), "1000.00", accountant, reviewer)
    expense = make_voucher(clean, accountant, reviewer, upto="draft", on=dt.date(2025, 4, 8),
                           amount="300.00", debit="513", credit="101", summary="购买办公用品")
    add_attachment(expense, content=PLACEHOLDER_PNG, filename="fapiao.png",
                   storage=store(), by=accountant)
    run(expense, accountant, reviewer)
    _close(clean, [4, 5], accountant)
    _open(late, dt.date(2025, 1, 1), "6000.00", accountant, reviewer)
    _close(late, [1, 2, 3, 4, 5], accountant)
    _open(finding_org, dt.date(2025, 4, 1), "500.00", accountant, reviewer)
    slip = make_voucher(finding_org, accountant, reviewer, on=dt.date(2025, 4, 20),
                        amount="800.00", debit="513", credit="102", summary="招待费")
    _close(finding_org, [4], accountant)
    audit = services.open_audit(finding_org, scope="2025年4月财务收支", period_from=dt.date(
        2025, 4, 1), period_to=dt.date(2025, 4, 30), sample_size=5, seed=7, by=auditor)
    finding = services.add_finding(audit, severity=FindingSeverity.GENERAL, title="招待费无发票",
                                   detail="", records=f"voucher:{slip.id}",
                                   deadline=dt.date(2025, 6, 10), on=dt.date(2025, 5, 20),
                                   by=auditor)
    db.session.commit()
    by_name.township_id = township.id
    by_name.clean, by_name.late, by_name.finding_org = clean, late, finding_org
    by_name.slip_id, by_name.expense_id = slip.id, expense.id
    by_name.attachment_id = expense.attachments[0].id
    by_name.audit_id, by_name.finding_id = audit.id, finding.id
    return by_name


def _rows(page: str) -> dict[str, dict[str, str]]:
    """Each dashboard row's colour and figures, by organisation code."""
    rows = {}
    for code, colour, body in re.findall(
            r'<tr data-org="([^"]+)" data-colour="([^"]+)">(.*?)</tr>', page, re.S):
        cells = dict(re.findall(r'<td class="(?:num )?(\w+)"[^>]*>(.*?)</td>', body, re.S))
        figures = {k: re.sub(r"<[^>]+>", "", v).strip() for k, v in cells.items()}
        rows[code] = {"colour": colour, **figures}
    return rows


def test_dashboard_figures_of_a_hand_built_township(client: FlaskClient, auth: Auth,
                                                    town: Any) -> None:
    auth.login("ceshi-sj")
    rows = _rows(client.get(f"/supervision/?on={ON}").get_data(as_text=True))
    assert set(rows) == {"qingshui", "hedong", "hexi"}
    assert rows["qingshui"] == {"colour": "green", "closed": "2025-05", "due": "0",
                                "missing": "0 逾期 / 0 缺失", "filing": "0", "returns": "—",
                                "findings": "0", "red": "0", "yellow": "0", "green": "18"}
    assert rows["hedong"]["colour"] == "red"
    assert (rows["hedong"]["missing"], rows["hedong"]["red"]) == ("0 逾期 / 1 缺失", "2")
    assert rows["hedong"]["closed"] == "2025-05"
    assert rows["hexi"]["colour"] == "red"
    assert (rows["hexi"]["closed"], rows["hexi"]["findings"]) == ("2025-04", "1")
    assert rows["hexi"]["red"] == "3"     # May not closed, the correction overdue, a 白条


def test_dashboard_sorts_by_a_column(client: FlaskClient, auth: Auth, town: Any) -> None:
    auth.login("ceshi-sj")
    by_colour = client.get(f"/supervision/?on={ON}").get_data(as_text=True)
    assert list(_rows(by_colour))[-1] == "qingshui"
    by_findings = client.get(f"/supervision/?on={ON}&sort=findings&desc=1").get_data(
        as_text=True)
    assert next(iter(_rows(by_findings))) == "hexi"
    by_name = client.get(f"/supervision/?on={ON}&sort=name").get_data(as_text=True)
    assert list(_rows(by_name)) == ["hedong", "hexi", "qingshui"]   # 东 < 西, 河 < 清


def test_drill_down_lists_each_warning_with_links_to_its_records(client: FlaskClient,
                                                                 auth: Auth, town: Any) -> None:
    auth.login("ceshi-sj")
    page = client.get(f"/o/hedong/supervision/?on={ON}").get_data(as_text=True)
    cash = page.split('data-rule="cash_over_limit"')[1].split("</li>\n  \n")[0]
    assert "（171 处）" in cash                # every day from 1 January to 20 June
    assert "/o/hedong/books/reports/cash_journal?period=2025-01-01..2025-06-20" in cash
    assert "最高 6,000.00 元" in cash
    late = page.split('data-rule="disclosure_late"')[1]
    assert "2025-Q1" in late
    assert "逾期未公开" in late
    hexi = client.get(f"/o/hexi/supervision/?on={ON}").get_data(as_text=True)
    assert f"/o/hexi/supervision/findings/{town.finding_id}" in hexi
    assert 'data-rule="period_not_closed"' in hexi


def test_a_failed_verification_turns_the_organisation_red(client: FlaskClient, auth: Auth,
                                                          town: Any) -> None:
    record_check(town.clean, Verification(vouchers=2, chain_errors=["记-1: hash mismatch"]))
    db.session.commit()
    auth.login("ceshi-sj")
    rows = _rows(client.get("/supervision/").get_data(as_text=True))
    page = client.get("/o/qingshui/supervision/").get_data(as_text=True)
    assert 'data-rule="ledger_check"' in page
    assert rows["qingshui"]["colour"] == "red"


def test_a_county_user_sees_every_township_they_audit(client: FlaskClient, auth: Auth,
                                                      town: Any, by_name: Any) -> None:
    county = _user("county-sj", Role.TOWNSHIP_AUDITOR, township=by_name.township("tashan"))
    accounts.assign_role(county, Role.TOWNSHIP_AUDITOR, organisation=None,
                         township=by_name.township("ceshi"), by=None)
    db.session.commit()
    auth.login("county-sj")
    page = client.get(f"/supervision/?on={ON}").get_data(as_text=True)
    rows = _rows(page)
    assert {"qingshui", "hedong", "hexi", "shian-jjhzs", "shian-tdgf"} <= set(rows)
    assert "塔山镇" in page
    assert "测试镇" in page
    only_one = _rows(client.get(f"/supervision/?on={ON}&t=ceshi").get_data(as_text=True))
    assert set(only_one) == {"qingshui", "hedong", "hexi"}


def test_thresholds_are_per_township(client: FlaskClient, auth: Auth, town: Any) -> None:
    auth.login("ceshi-sj")
    response = client.post("/supervision/t/ceshi/thresholds", data={
        "cash_limit": "7000.00", "cash_payment_limit": "2000", "round_sum_unit": "1000",
        "round_sum_minimum": "10000", "duplicate_days": "30", "expiry_days": "60",
        "close_grace_days": "15", "question_days": "15"})
    assert response.status_code == 302
    rows = _rows(client.get(f"/supervision/?on={ON}").get_data(as_text=True))
    assert rows["hedong"]["red"] == "1"       # 6,000 is within the new limit
    refused = client.post("/supervision/t/ceshi/thresholds", data={
        "cash_limit": "5000.001", "cash_payment_limit": "2000", "round_sum_unit": "1000",
        "round_sum_minimum": "10000", "duplicate_days": "30", "expiry_days": "60",
        "close_grace_days": "15", "question_days": "15"})
    assert refused.status_code == 200
    assert queries.thresholds_of([town.township_id])[town.township_id].cash_limit == 7000


def test_a_finding_needs_records_and_a_deadline(client: FlaskClient, auth: Auth,
                                                town: Any) -> None:
    auth.login("ceshi-sj")
    path = f"/o/hexi/supervision/audits/{town.audit_id}/findings/new"
    before = db.session.scalar(sa.select(sa.func.count(Finding.id)))
    no_records = client.post(path, data={"severity": "major", "title": "现金超限",
                                         "records": "", "deadline": "2027-01-31"})
    assert no_records.status_code == 200
    assert "请写明问题涉及的记录" in no_records.get_data(as_text=True)
    no_deadline = client.post(path, data={"severity": "major", "title": "现金超限",
                                          "records": f"voucher:{town.slip_id}",
                                          "deadline": ""})
    assert "请给出整改期限" in no_deadline.get_data(as_text=True)
    foreign = client.post(path, data={"severity": "major", "title": "现金超限",
                                      "records": f"voucher:{town.expense_id}",
                                      "deadline": "2027-01-31"})
    assert "本组织没有这条记录" in foreign.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == before
    numbered = client.post(path, data={"severity": "major", "title": "现金超限",
                                       "records": "2025-04 记-1", "deadline": "2027-01-31"})
    assert numbered.status_code == 302
    created = db.session.scalars(sa.select(Finding).order_by(Finding.id.desc())).first()
    assert created is not None
    assert [(r.kind, r.label) for r in created.records] == [("voucher", "2025-04 记-1")]


def test_the_organisation_answers_and_only_the_auditor_closes(client: FlaskClient, auth: Auth,
                                                              town: Any) -> None:
    base = f"/o/hexi/supervision/findings/{town.finding_id}"
    auth.login("ceshi-sj")
    client.post(f"{base}/close", data={"note": "", "close": "1"})
    assert db.session.get(Finding, town.finding_id).state is FindingState.OPEN  # not answered
    auth.login("ceshi-kj")
    home = client.get("/").get_data(as_text=True)
    assert "招待费无发票" in home
    assert f'href="{base}"' in home
    assert client.post(f"{base}/close", data={"close": "1"}).status_code == 403
    page = client.get(base).get_data(as_text=True)
    assert "确认整改到位" not in page
    client.post(f"{base}/respond", data={"response": "已补取发票并入账"})
    finding = db.session.get(Finding, town.finding_id)
    assert (finding.state, finding.response) == (FindingState.ANSWERED, "已补取发票并入账")
    with pytest.raises(services.SupervisionError, match="只有乡镇审计人员可以销号"):
        services.close_finding(finding, note="", by=town.user("ceshi-kj"))
    auth.login("ceshi-sj")
    assert "确认整改到位" in client.get(base).get_data(as_text=True)
    client.post(f"{base}/close", data={"note": "已核实", "close": "1"})
    assert db.session.get(Finding, town.finding_id).state is FindingState.CLOSED
    rows = _rows(client.get(f"/supervision/?on={ON}").get_data(as_text=True))
    assert (rows["hexi"]["findings"], rows["hexi"]["red"]) == ("0", "2")


def test_opinions_on_a_disclosure_are_seen_by_the_organisation(client: FlaskClient,
                                                               auth: Auth, town: Any) -> None:
    draft = disclosures.draft(town.late, "2025-Q1", by=town.user("ceshi-kj"))
    db.session.commit()
    auth.login("ceshi-sj")
    path = "/o/hedong/supervision/opinions"
    form = {"township-subject": "disclosure", "township-subject_id": str(draft.id),
            "township-next": f"/o/hedong/disclosures/{draft.id}"}
    client.post(path, data={**form, "township-verdict": "objection", "township-text": ""})
    assert db.session.scalar(sa.select(sa.func.count(Opinion.id))) == 0
    response = client.post(path, data={**form, "township-verdict": "objection",
                                       "township-text": "收支明细缺少合同收入"})
    assert response.headers["Location"] == f"/o/hedong/disclosures/{draft.id}"
    auth.login("ceshi-kj")
    page = client.get(f"/o/hedong/disclosures/{draft.id}").get_data(as_text=True)
    assert "有异议" in page
    assert "收支明细缺少合同收入" in page
    assert 'name="township-verdict"' not in page          # no form for the organisation


def test_audit_sample_is_reproducible_and_the_report_pdf_tells_the_audit(
        client: FlaskClient, auth: Auth, town: Any) -> None:
    audit = db.session.get(Finding, town.finding_id).audit
    frame = services.posted_in(town.finding_org, audit.period_from, audit.period_to)
    assert [s.voucher_id for s in audit.samples] == draw_sample(frame, size=5, seed=7)
    auth.login("ceshi-kj")
    with client.get(f"/o/hexi/supervision/audits/{audit.id}/report.pdf") as response:
        assert response.mimetype == "application/pdf"
        text = "".join("".join(p.extract_text().split())
                       for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "测试镇河西村股份经济合作社审计报告" in text
    assert "抽样种子7" in text
    assert "招待费无发票" in text
    assert "整改期限：2025-06-10" in text


def test_an_auditor_of_another_township_gets_403_everywhere(client: FlaskClient, auth: Auth,
                                                            town: Any, by_name: Any) -> None:
    _user("jinshi-sj", Role.TOWNSHIP_AUDITOR, township=by_name.township("jinshi"))
    db.session.commit()
    auth.login("jinshi-sj")
    paths = [
        "/o/qingshui/", "/o/qingshui/supervision/", "/o/qingshui/books/",
        "/o/qingshui/books/reports/balance_sheet", "/o/qingshui/books/export.beancount",
        f"/o/qingshui/vouchers/{town.expense_id}", f"/o/qingshui/vouchers/{town.expense_id}.pdf",
        f"/o/qingshui/vouchers/{town.expense_id}/attachments/{town.attachment_id}",
        f"/o/hexi/supervision/audits/{town.audit_id}",
        f"/o/hexi/supervision/audits/{town.audit_id}/report.pdf",
        f"/o/hexi/supervision/findings/{town.finding_id}", "/o/hexi/disclosures/",
        "/o/hexi/households/", "/o/hexi/contracts/", "/o/hexi/distribution/",
        "/supervision/t/ceshi/thresholds", "/supervision/?t=ceshi", "/t/ceshi/",
    ]
    for path in paths:
        with client.get(path) as response:
            assert response.status_code == 403, path
    for path in (f"/o/hexi/supervision/findings/{town.finding_id}/close",
                 f"/o/hexi/supervision/audits/{town.audit_id}/close",
                 "/o/hexi/supervision/opinions"):
        assert client.post(path, data={}).status_code == 403, path
    own = _rows(client.get("/supervision/").get_data(as_text=True))
    assert set(own) == {"jinshi-jjhzs"}


def test_the_dashboard_sees_a_new_posting_at_once(client: FlaskClient, auth: Auth,
                                                  town: Any) -> None:
    auth.login("ceshi-sj")
    assert _rows(client.get(f"/supervision/?on={ON}").get_data(as_text=True))[
        "qingshui"]["colour"] == "green"
    snapshot = db.session.get(RuleSnapshot, town.clean.id)
    assert snapshot is not None            # what the voucher rules found is kept
    make_voucher(town.clean, town.user("ceshi-kj"), town.user("admin"), on=dt.date(2025, 6, 1),
                 amount="3000.00", debit="513", credit="212", summary="计提管理人员工资")
    db.session.commit()                    # an accrual pays nothing: no receipt is expected
    assert _rows(client.get(f"/supervision/?on={ON}").get_data(as_text=True))[
        "qingshui"]["colour"] == "green"
    make_voucher(town.clean, town.user("ceshi-kj"), town.user("admin"), on=dt.date(2025, 6, 2),
                 amount="260.00", debit="513", credit="101", summary="修理水泵")  # no scan
    db.session.commit()
    row = _rows(client.get(f"/supervision/?on={ON}").get_data(as_text=True))["qingshui"]
    assert (row["colour"], row["red"]) == ("red", "1")


def test_the_voucher_facts_read_from_the_database_are_the_rules_own(by_name: Any) -> None:
    """The first dashboard of a county reads only what a rule could count (issue 21, county
    scale): the cash summed by day in SQL equals ``rules.cash_days`` of every voucher's cash
    movement; only cash payments above the limit, round or repeated payments and expenses
    without a scan are read — and the rules find on them what they find on everything."""
    from decimal import Decimal

    from coopledger.ledger.models import VoucherLine
    from coopledger.supervision import facts
    from coopledger.supervision import rules as supervision_rules
    from coopledger.supervision.rules import CashMove, Thresholds

    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    from tests.ledger_helpers import book_with_vouchers

    book_with_vouchers(org, accountant, reviewer)
    day = dt.date(2025, 5, 6)
    for on, amount, debit, credit in sorted([
            (day, "800.00", "101", "501"), (day, "300.00", "513", "101"),      # 坐收坐支
            (day + dt.timedelta(days=1), "6000.00", "101", "102"),             # drawn
            (day + dt.timedelta(days=1), "2500.00", "513", "101"),             # large cash
            (day + dt.timedelta(days=2), "400.00", "102", "101"),              # banked
            (day + dt.timedelta(days=2), "120.00", "513", "101"),
            (day + dt.timedelta(days=3), "20000.00", "513", "102"),            # round
            (day + dt.timedelta(days=4), "777.77", "513", "102"),              # repeated
            (day + dt.timedelta(days=9), "777.77", "513", "102"),
            (day + dt.timedelta(days=5), "123.45", "513", "102")], key=lambda r: r[0]):  # neither
        make_voucher(org, accountant, reviewer, on=on, amount=amount, debit=debit,
                     credit=credit)
    db.session.commit()
    on = dt.date(2025, 6, 30)
    limits = Thresholds()
    found = facts.gather([org], on=on, limits={org.township_id: limits})[org.id]
    cash_ids, bank_ids = facts._cash_and_bank_accounts([org])
    moves: dict[int, list[Decimal | bool | dt.date]] = {}
    for line_ in db.session.scalars(sa.select(VoucherLine).where(
            VoucherLine.organisation_id == org.id, VoucherLine.posted.is_(True),
            VoucherLine.on >= supervision_rules.review_start(on), VoucherLine.on <= on)):
        entry = moves.setdefault(line_.voucher_id, [Decimal(0), False, line_.on])
        if line_.account_id in cash_ids:
            entry[0] = Decimal(entry[0]) + line_.debit - line_.credit   # type: ignore[operator]
        if line_.account_id in bank_ids:
            entry[1] = True
    every = [CashMove(vid, on_, amount, banked)               # type: ignore[arg-type]
             for vid, (amount, banked, on_) in moves.items() if amount]
    assert found.cash_days == supervision_rules.cash_days(every)
    assert [m.amount for m in found.cash_payments] == [Decimal("-2500.00")]
    assert supervision_rules.large_cash_payments(found.cash_payments,
                                                 limit=limits.cash_payment_limit) == \
        supervision_rules.large_cash_payments(every, limit=limits.cash_payment_limit)
    assert [h.on for h in supervision_rules.sit_in_sit_out(found.cash_days)] == [day]
    paid = sorted(p.amount for p in found.payments)
    assert Decimal("123.45") not in paid
    assert {Decimal("20000.00"), Decimal("777.77")} <= set(paid)
    hits = supervision_rules.round_or_duplicate_payments(
        found.payments, unit=limits.round_sum_unit, minimum=limits.round_sum_minimum,
        window_days=limits.duplicate_days)
    assert [(h.amount, h.note) for h in hits if h.on >= day] == [
        (Decimal("20000.00"), "round"), (Decimal("777.77"), "duplicate")]
    assert all(e.scans == 0 for e in found.expenses)


def test_a_later_day_carries_the_snapshot_over_and_counts_as_a_fresh_reading(
        town: Any) -> None:
    """The voucher rules' snapshot does not expire with the day (the first view of each
    morning would re-read every posted voucher of the township): a later day with nothing
    posted reuses it, a cash balance standing over the limit counting one more day over for
    each day since — the same counts as reading the books afresh on that day; an earlier day
    is read afresh."""
    import json

    late = town.late                                # 6,000.00 in cash from 1 January
    day = dt.date(2025, 6, 20)
    first = queries.dashboard([late], on=day)[0].fired
    assert first[Rule.CASH_OVER_LIMIT] == (day - dt.date(2025, 1, 1)).days + 1
    db.session.commit()
    snapshot = db.session.get(RuleSnapshot, late.id)
    assert snapshot is not None
    computed = json.loads(snapshot.counts)
    later = day + dt.timedelta(days=10)
    carried = queries.dashboard([late], on=later)[0].fired
    db.session.commit()
    db.session.refresh(snapshot)
    assert json.loads(snapshot.counts) == computed          # not read again
    assert carried[Rule.CASH_OVER_LIMIT] == first[Rule.CASH_OVER_LIMIT] + 10
    assert carried == queries.organisation_line(late, on=later).fired
    earlier = queries.dashboard([late], on=day - dt.timedelta(days=5))[0].fired
    assert earlier[Rule.CASH_OVER_LIMIT] == first[Rule.CASH_OVER_LIMIT] - 5
    db.session.commit()
    db.session.refresh(snapshot)
    assert json.loads(snapshot.counts)["_on"] == "2025-06-15"


def test_a_dashboard_viewed_as_of_an_earlier_day_is_not_carried_past_later_vouchers(
        town: Any) -> None:
    """Viewed as of 10 June, the books already hold a voucher of 18 June (the cash brought
    under the limit): a view as of 30 June reads the books again instead of carrying the
    10 June counts over, and counts the days over the limit to 17 June only."""
    late = town.late
    make_voucher(late, town.user("ceshi-kj"), town.user("admin"), on=dt.date(2025, 6, 18),
                 amount="1500.00", debit="513", credit="101", summary="支付劳务费")
    db.session.commit()
    early = queries.dashboard([late], on=dt.date(2025, 6, 10))[0].fired
    assert early[Rule.CASH_OVER_LIMIT] == (dt.date(2025, 6, 10) - dt.date(2025, 1, 1)).days + 1
    db.session.commit()
    later = queries.dashboard([late], on=dt.date(2025, 6, 30))[0].fired
    assert later[Rule.CASH_OVER_LIMIT] == (dt.date(2025, 6, 17) - dt.date(2025, 1, 1)).days + 1
    assert later == queries.organisation_line(late, on=dt.date(2025, 6, 30)).fired


def test_the_dashboard_counts_what_the_organisation_page_lists(town: Any) -> None:
    """The dashboard reads only the number of expense vouchers without a scan (it shows
    counts); the organisation's page lists them: both say the same for every rule."""
    on = dt.date(2025, 6, 30)
    orgs = [town.clean, town.late, town.finding_org]
    for row in queries.dashboard(orgs, on=on):
        listed = queries.organisation_line(row.org, on=on)
        assert row.fired == listed.fired, row.org.code
    slips = queries.organisation_line(town.finding_org, on=on)
    assert slips.fired[Rule.WHITE_SLIP] == 1                    # the 招待费 without a scan
    assert [h.ref.key for a in slips.warnings if a.rule is Rule.WHITE_SLIP for h in a.hits] == [
        str(town.slip_id)]
