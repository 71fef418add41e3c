"""The audit log: append-only in the ORM and in the database, scoped browsing, filtering."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.audit.models import AuditEvent, AuditLogIsAppendOnlyError
from coopledger.audit.services import record
from coopledger.extensions import db
from tests.conftest import Auth


def _an_event() -> AuditEvent:
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).first()
    assert event is not None
    return event


def test_the_orm_refuses_to_change_or_delete_an_event(session: Any) -> None:
    event = _an_event()
    event.action = "tampered"
    with pytest.raises(AuditLogIsAppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(_an_event())
    with pytest.raises(AuditLogIsAppendOnlyError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'tampered'",
    "DELETE FROM audit_events",
])
def test_the_database_refuses_to_change_or_delete_an_event(session: Any, statement: str) -> None:
    with pytest.raises(sa.exc.DatabaseError) as excinfo, db.session.begin_nested():
        db.session.execute(sa.text(statement))
    assert "append-only" in str(excinfo.value)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) > 0


def test_every_sample_change_was_logged_with_its_scope(session: Any, by_name: Any) -> None:
    org = by_name.org("shian-tdgf")
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "organisation.create", AuditEvent.object_id == str(org.id))).one()
    assert event.organisation_id == org.id
    assert event.township_id == by_name.township("tashan").id
    assert event.after is not None
    assert event.after["leading_org_id"] == by_name.org("shian-jjhzs").id
    assert event.at.tzinfo is not None


def test_auditor_sees_only_their_township_and_admin_sees_everything(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    jinshi = by_name.org("jinshi-jjhzs")
    record("organisation.note", jinshi, by=None, label="金石村测试记录")
    record("organisation.note", by_name.org("shian-tdgf"), by=None, label="石安测试记录")
    db.session.commit()
    auth.login("auditor")
    page = client.get("/audit/?action=organisation.note").get_data(as_text=True)
    assert "石安测试记录" in page
    assert "金石村测试记录" not in page
    auth.login("admin")
    page = client.get("/audit/?action=organisation.note").get_data(as_text=True)
    assert "石安测试记录" in page
    assert "金石村测试记录" in page


def test_the_auditor_reads_personal_numbers_masked_and_the_admin_in_full(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    tdgf = by_name.org("shian-tdgf")
    record("household.update", tdgf, by=None, label="陈大山户 13812345678",
           before={"phone": "13912345678"},
           after={"phone": "13812345678", "id_number": "211322196001010011"})
    db.session.commit()
    auth.login("auditor")
    page = client.get("/audit/?action=household.update").get_data(as_text=True)
    assert "138******78" in page
    for number in ("13812345678", "13912345678", "211322196001010011"):
        assert number not in page, number
    auth.login("admin")
    page = client.get("/audit/?action=household.update").get_data(as_text=True)
    assert "211322196001010011" in page
    from coopledger.audit.exports import _row
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "household.update")).one()
    masked = " ".join(_row(event, {}, full=False))
    assert "13812345678" not in masked
    assert "211*************11" in masked             # the XLSX export masks as the page does


def test_filters_by_organisation_actor_and_beijing_day(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    org = by_name.org("shian-tdgf")
    page = client.get(f"/audit/?organisation={org.id}").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "建平县石安土地股份合作社" in rows
    assert "建平县建平藤椒种植专业合作社" not in rows
    page = client.get("/audit/?actor=admin&action=auth.login").get_data(as_text=True)
    assert "auth.login" in page
    assert "共 0 条" not in page
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()
    page = client.get(f"/audit/?date_from={tomorrow}").get_data(as_text=True)
    assert "共 0 条" in page


def test_there_is_no_way_to_edit_or_delete_a_line(app: Any) -> None:
    audit_rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit.")]
    assert {rule.endpoint for rule in audit_rules} == {"audit.index", "audit.export"}
    for rule in audit_rules:
        assert "DELETE" not in rule.methods
        assert "PUT" not in rule.methods


def test_bulk_exports_of_personal_data_leave_an_audit_line(client: FlaskClient,
                                                           auth: Auth) -> None:
    """The household roster with full numbers is a bulk personal-data export: who took it is
    in the audit log (the payout list, bank file and roster PDF of a plan use the same)."""
    auth.login("accountant")
    assert client.get("/o/shian-tdgf/households/export.xlsx").status_code == 200
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "household.export_roster").order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert event.actor is not None
    assert event.actor.username == "accountant"
    assert event.after == {"personal_data": True}
