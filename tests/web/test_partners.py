"""The partner register through the web: registering, refusals that save nothing, search,
masking of personal numbers by role, and the audit trail."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.audit.models import AuditEvent
from coopledger.contracts.models import Partner, PartnerKind
from coopledger.extensions import db
from tests.conftest import Auth

URL = "/o/shian-tdgf/partners"
GOOD_CODE = "91511623MA6XL5T30P"
PERSON_ID = "11010519491231002X"


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Partner.id))) or 0


def _post(client: FlaskClient, url: str, **fields: str) -> str:
    data = {"name": "建平县绿源农业科技有限公司", "kind": "enterprise",
            "identifier": GOOD_CODE} | fields
    return client.post(url, data=data, follow_redirects=True).get_data(as_text=True)


def test_accountant_registers_an_enterprise_with_a_valid_credit_code(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    response = client.post(f"{URL}/new", data={
        "name": " 建平县绿源农业科技有限公司 ", "kind": "leading_enterprise",
        "identifier": GOOD_CODE.lower(), "legal_representative": "何明",
        "phone": "138-0816-0000", "bank_account": "6228 4804 1111 2222 333"})
    partner = db.session.scalars(sa.select(Partner).where(
        Partner.credit_code == GOOD_CODE)).one()
    assert response.headers["Location"] == f"{URL}/{partner.id}"
    assert (partner.name, partner.kind, partner.phone, partner.bank_account, partner.id_number) == (
        "建平县绿源农业科技有限公司", PartnerKind.LEADING_ENTERPRISE, "13808160000",
        "6228480411112222333", None)
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "partner.create", AuditEvent.object_id == str(partner.id))).one()
    assert event.after is not None
    assert event.after["bank_account"] == "***************2333"
    assert event.organisation_id == partner.organisation_id


def test_bad_partners_are_refused_with_a_sentence_and_nothing_saved(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    before = _count()
    refusals = {
        "统一社会信用代码校验位不正确": {"identifier": GOOD_CODE[:-1] + "K"},
        "统一社会信用代码应为18位": {"identifier": "91511623MA6XL5T3"},
        "企业、家庭农场和种养大户请填写统一社会信用代码": {"identifier": ""},
        "个人合作方请填写身份证号": {"kind": "individual", "identifier": ""},
        "91511623MA6XH2K505 已登记为合作方“建平县宏达生猪养殖有限公司”": {
            "identifier": "91511623MA6XH2K505"},
        "电话号码“12-34”不正确": {"phone": "12-34"},
        "银行账号应为8至30位数字": {"bank_account": "abc"},
    }
    for reason, fields in refusals.items():
        assert reason in _post(client, f"{URL}/new", **fields), reason
    assert _count() == before


def test_an_individual_is_identified_by_a_resident_id_and_masked_for_the_reviewer(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    _post(client, f"{URL}/new", name="李大户", kind="individual",
          identifier=PERSON_ID.lower(), phone="13912345678")
    partner = db.session.scalars(sa.select(Partner).where(Partner.name == "李大户")).one()
    assert (partner.id_number, partner.credit_code) == (PERSON_ID, None)
    assert PERSON_ID in client.get(f"{URL}/{partner.id}").get_data(as_text=True)
    auth.login("reviewer")
    page = client.get(f"{URL}/{partner.id}").get_data(as_text=True)
    assert PERSON_ID not in page
    assert "110105********002X" in page
    assert "139****5678" in page
    listing = client.get(f"{URL}/?kind=individual").get_data(as_text=True)
    assert "110105********002X" in listing
    assert f"{URL}/{partner.id}/edit" not in page
    # the 民主理财小组 and the township auditor read the person's numbers masked too
    from coopledger.auth.models import RoleAssignment, User
    from coopledger.auth.roles import Role

    supervisor = db.session.scalars(sa.select(User).where(User.username == "supervisor")).one()
    db.session.add(RoleAssignment(user_id=supervisor.id, role=Role.SUPERVISOR,
                                  organisation_id=partner.organisation_id))
    db.session.commit()
    for reader in ("supervisor", "auditor"):
        auth.login(reader)
        page = client.get(f"{URL}/{partner.id}").get_data(as_text=True)
        assert "李大户" in page, reader
        assert PERSON_ID not in page, reader
        assert "13912345678" not in page, reader
        assert "139****5678" in page, reader


def test_editing_keeps_the_code_unique_and_switching_kind_needs_the_other_number(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    farm = db.session.scalars(sa.select(Partner).where(
        Partner.name == "建平县张建国家庭农场")).one()
    form = client.get(f"{URL}/{farm.id}/edit").get_data(as_text=True)
    assert 'value="92511623MA6XK3R70W"' in form
    page = _post(client, f"{URL}/{farm.id}/edit", name=farm.name, kind="family_farm",
                 identifier="91511623MA6XJ8N105")
    assert "已登记为合作方“建平县川椒源藤椒加工有限公司”" in page
    page = _post(client, f"{URL}/{farm.id}/edit", name=farm.name, kind="individual",
                 identifier="92511623MA6XK3R70W")
    assert "身份证号" in page
    db.session.expire_all()
    assert (farm.credit_code, farm.kind) == ("92511623MA6XK3R70W", PartnerKind.FAMILY_FARM)
    _post(client, f"{URL}/{farm.id}/edit", name="建平县张建国家庭农场", kind="family_farm",
          identifier="92511623MA6XK3R70W", contact_name="张小军")
    db.session.expire_all()
    assert farm.contact_name == "张小军"
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "partner.update")).one()
    assert (event.before or {})["contact_name"] == "张建国"


def test_the_register_searches_by_name_code_and_kind(client: FlaskClient, auth: Auth) -> None:
    auth.login("auditor")
    by_name = client.get(f"{URL}/?q=藤椒").get_data(as_text=True)
    assert "建平县川椒源藤椒加工有限公司" in by_name
    assert "建平县宏达生猪养殖有限公司" not in by_name
    by_code = client.get(f"{URL}/?q=MA6XH2K5").get_data(as_text=True)
    assert "建平县宏达生猪养殖有限公司" in by_code
    assert "建平县张建国家庭农场" not in by_code
    farms = client.get(f"{URL}/?kind=family_farm").get_data(as_text=True)
    assert "建平县张建国家庭农场" in farms
    assert "建平县川椒源藤椒加工有限公司" not in farms
    assert "登记合作方" not in farms


def test_a_partner_of_another_organisation_is_not_found(client: FlaskClient,
                                                        auth: Auth) -> None:
    auth.login("accountant")
    partner = db.session.scalars(sa.select(Partner)).first()
    assert partner is not None
    assert client.get(f"/o/shian-jjhzs/partners/{partner.id}").status_code == 404
    assert client.get(f"/o/shian-jjhzs/partners/{partner.id}/edit").status_code == 404
