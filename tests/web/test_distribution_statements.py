"""Statements and roster: the one-page statement per household (staff always, the member once
approved), its public check, the masked public roster, and all statements as a job."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from coopledger import dates
from coopledger.distribution import services, statements
from coopledger.distribution.models import Mode, Plan
from coopledger.extensions import db
from coopledger.files import store
from coopledger.jobs import services as jobs
from coopledger.jobs.models import Job, JobState
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from tests.conftest import Auth
from tests.distribution_helpers import close_2024

URL = "/o/shian-tdgf/distribution"
D = Decimal


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def plan(by_name: Any, app: Flask) -> Plan:
    org = close_2024(by_name)
    accountant = by_name.user("accountant")
    made = services.create_plan(org, 2024, services.PlanData(
        mode=Mode.LAND_SHARE, members_total=D("14540.00"), reserve_percent=D(20),
        member_cap_percent=D(60), guarantee_per_mu=D("800.00")), by=accountant, today=dates.today())
    db.session.commit()
    return made


def _approve(plan: Plan, by_name: Any, app: Flask) -> None:
    accountant = by_name.user("accountant")
    services.propose(plan, on=dt.date(2025, 1, 10), by=accountant, today=dates.today())
    services.review(plan, on=dt.date(2025, 1, 20), by=accountant, today=dates.today())
    services.approve(plan, resolution_no="成员大会决议〔2025〕1号", on=dt.date(2025, 2, 1),
                     content=PLACEHOLDER_PNG, filename="r.png",
                     storage=store(), by=accountant, today=dates.today())
    db.session.commit()


def _line(plan: Plan, holder: str) -> Any:
    return next(line for line in plan.lines if line.holder == holder)


def test_the_member_sees_the_statement_only_once_the_plan_is_approved(
        client: FlaskClient, auth: Auth, plan: Plan, by_name: Any, app: Flask) -> None:
    line = _line(plan, "陈大山户")
    url = f"{URL}/{plan.id}/statements/{line.id}.pdf"
    auth.login("member")
    assert client.get(url).status_code == 403
    assert "我家的收益分配" in client.get("/my/household").get_data(as_text=True)
    assert "2,590.00" not in client.get("/my/household").get_data(as_text=True)
    _approve(plan, by_name, app)
    response = client.get(url)
    assert response.mimetype == "application/pdf"
    text = _text(response.data)
    for expected in ("建平县石安土地股份合作社", "2024 年盈余分配明细单", "陈大山户", "SA-01-012",
                     "2,216.00", "2,590.00", "贰仟伍佰玖拾元整", "1,000", "尚未兑付",
                     "折算股数", "折算股数 = 股数 × 持股天数 ÷ 全年天数（366 天）"):
        assert expected in text, expected
    other = _line(plan, "王德明户")
    assert client.get(f"{URL}/{plan.id}/statements/{other.id}.pdf").status_code == 403
    mine = client.get("/my/household").get_data(as_text=True)
    assert "2,590.00" in mine
    assert ('<td>2024</td><td class="num">0.00</td><td class="num">0.00</td>'
            '<td class="num">2,590.00</td><td class="num">2,590.00</td>') in mine
    assert "贰仟伍佰玖拾元整" in mine
    home = client.get("/").get_data(as_text=True).split('id="member-home"')[1]
    assert "2024 年盈余分配" in home                  # the year on the member's home screen
    assert "合计 2,590.00" in home
    assert "尚未兑付" in home


def test_the_statement_check_is_public_masked_and_unforgeable(
        client: FlaskClient, plan: Plan) -> None:
    line = _line(plan, "陈大山户")
    code = statements.check_code(line)
    page = client.get(f"/d/{line.id}/{code}").get_data(as_text=True)
    assert '<dd id="check-total">2,590.00</dd>' in page
    assert "陈**户" in page
    assert "陈大山" not in page
    assert "明细单与合作社登记的分配记录一致。" in page
    forged = "0" * 12 if code != "0" * 12 else "1" * 12
    response = client.get(f"/d/{line.id}/{forged}")
    assert response.status_code == 404
    assert "核验码不正确" in response.get_data(as_text=True)


def test_the_public_roster_masks_names_and_the_full_one_does_not(
        client: FlaskClient, auth: Auth, plan: Plan) -> None:
    auth.login("accountant")
    public = _text(client.get(f"{URL}/{plan.id}/roster.pdf?public=1").data)
    full = _text(client.get(f"{URL}/{plan.id}/roster.pdf").data)
    assert "陈**户" in public
    assert "陈大山户" not in public
    assert "陈大山户" in full
    assert "14,540.00" in full
    assert "第 1 页 / 共 1 页" in full


def test_all_statements_are_generated_as_a_job_into_one_file_and_one_per_household(
        client: FlaskClient, auth: Auth, plan: Plan, by_name: Any, app: Flask) -> None:
    _approve(plan, by_name, app)
    auth.login("accountant")
    response = client.post(f"{URL}/{plan.id}/statements")
    assert response.status_code == 302
    job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
    assert job is not None
    jobs.execute_job(job.id)
    db.session.expire_all()
    assert job.state is JobState.DONE
    download = client.get(f"/jobs/{job.id}/download")
    data = download.data
    download.close()
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    households = [n for n in names if n.startswith("households/")]
    assert "statements.pdf" in names
    assert len(households) == 5
    combined = PdfReader(io.BytesIO(archive.read("statements.pdf")))
    assert len(combined.pages) == 5
    one = next(n for n in households if "陈大山户" in n)
    assert "2,590.00" in _text(archive.read(one))
