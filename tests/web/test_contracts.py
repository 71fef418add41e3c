"""The contract register through the web: drafts, refusals that save nothing, signing with the
approval record, derived expiry, and the partner page listing its contracts."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.contracts.models import Contract, ContractStatus, Partner
from coopledger.extensions import db
from tests.conftest import Auth

URL = "/o/shian-tdgf/contracts"


def _partner(name: str) -> Partner:
    return db.session.scalars(sa.select(Partner).where(Partner.name == name)).one()


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Contract.id))) or 0


def _draft(client: FlaskClient, **fields: str) -> str:
    data = {"number": "SATG-2026-009", "title": "五组土地租赁合同", "kind": "lease",
            "partner_id": str(_partner("建平县宏达生猪养殖有限公司").id),
            "starts_on": "2027-01-01", "ends_on": "2036-12-31"} | fields
    return client.post(f"{URL}/new", data=data, follow_redirects=True).get_data(as_text=True)


def test_a_draft_is_registered_then_signed_with_its_resolution(client: FlaskClient,
                                                               auth: Auth) -> None:
    auth.login("accountant")
    page = _draft(client)
    assert "已登记合同草稿：SATG-2026-009。" in page
    contract = db.session.scalars(sa.select(Contract).where(
        Contract.number == "SATG-2026-009")).one()
    assert contract.status is ContractStatus.DRAFT
    sign = f"{URL}/{contract.id}/sign"
    page = client.post(sign, data={"sign-signed_on": "2026-11-20"},
                       follow_redirects=True).get_data(as_text=True)
    assert "签订合同前须经理事会或成员大会审议" in page
    page = client.post(sign, data={"sign-approval_ref": "成员大会决议〔2026〕4号",
                                   "sign-approved_on": "2026-11-21",
                                   "sign-signed_on": "2026-11-20"},
                       follow_redirects=True).get_data(as_text=True)
    assert "决议日期 2026-11-21 晚于签订日期 2026-11-20：须先决议后签订。" in page
    db.session.expire_all()
    assert contract.status is ContractStatus.DRAFT
    resolution = {"sign-approval_ref": "成员大会决议〔2026〕4号",
                  "sign-approved_on": "2026-11-15", "sign-signed_on": "2026-11-20"}
    page = client.post(sign, data=resolution, follow_redirects=True).get_data(as_text=True)
    assert "请先登记租赁地块（或在资源台账中关联集体资源），再签订租赁合同。" in page
    client.post(f"{URL}/{contract.id}/parcels", data={"parcel-parcel_code": "SA-02-010"})
    page = client.post(sign, data=resolution, follow_redirects=True).get_data(as_text=True)
    assert "请先填写租金条款（每亩现金或粮食斤数），再签订租赁合同。" in page
    page = client.post(f"{URL}/{contract.id}/terms", data={
        "terms-rent_basis": "cash", "terms-price_per_mu": "800", "terms-step_percent": "",
        "terms-step_years": "0", "terms-due_after_days": "30", "terms-deposit": ""},
        follow_redirects=True).get_data(as_text=True)
    assert "已保存合同条款。" in page
    page = client.post(sign, data=resolution, follow_redirects=True).get_data(as_text=True)
    assert "合同已签订，开始履行。" in page
    assert "成员大会决议〔2026〕4号" in page
    db.session.expire_all()
    assert (contract.status, contract.signed_on.isoformat()) == (  # type: ignore[union-attr]
        ContractStatus.ACTIVE, "2026-11-20")
    page = client.post(f"{URL}/{contract.id}/edit", data={
        "number": "SATG-2026-009", "title": "改名", "kind": "lease",
        "partner_id": str(contract.partner_id), "starts_on": "2027-01-01",
        "ends_on": "2036-12-31"}, follow_redirects=True).get_data(as_text=True)
    assert "合同已签订，不能再修改条款。" in page
    db.session.expire_all()
    assert contract.title == "五组土地租赁合同"


def test_bad_contracts_are_refused_with_a_sentence_and_nothing_saved(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    before = _count()
    refusals = {
        "结束日期 2026-12-31 早于开始日期 2027-01-01": {"ends_on": "2026-12-31"},
        "只有投资入股可以不定期限": {"ends_on": ""},
        "合同编号 SATG-2024-001 已经使用": {"number": "SATG-2024-001"},
    }
    for reason, fields in refusals.items():
        assert reason in _draft(client, **fields), reason
    assert _count() == before


def test_a_partner_of_another_organisation_cannot_be_chosen(client: FlaskClient,
                                                            auth: Auth) -> None:
    auth.login("accountant")
    before = _count()
    from coopledger.contracts import services
    from coopledger.contracts.models import PartnerKind
    from coopledger.orgs.models import Organisation

    other = db.session.scalars(sa.select(Organisation).where(
        Organisation.code == "shian-jjhzs")).one()
    stranger = services.create_partner(other, services.PartnerData(
        name="外社企业", kind=PartnerKind.ENTERPRISE, identifier="91511623MA6XL5T30P"), by=None)
    db.session.commit()
    page = _draft(client, partner_id=str(stranger.id))
    assert "不是有效的选择。" in page
    assert _count() == before


def test_the_register_filters_by_kind_and_derived_status(client: FlaskClient,
                                                         auth: Auth) -> None:
    auth.login("reviewer")
    leases = client.get(f"{URL}/?kind=lease").get_data(as_text=True)
    assert "SATG-2024-001" in leases
    assert "SATG-2024-002" not in leases
    drafts = client.get(f"{URL}/?status=draft").get_data(as_text=True)
    assert "SATG-2026-001" in drafts
    assert "SATG-2024-001" not in drafts
    assert f"{URL}/new" not in drafts
    lease = db.session.scalars(sa.select(Contract).where(
        Contract.number == "SATG-2024-001")).one()
    lease.ends_on = lease.starts_on.replace(year=2025, month=12, day=31)
    db.session.commit()
    expired = client.get(f"{URL}/?status=expired").get_data(as_text=True)
    assert "SATG-2024-001" in expired
    assert "已到期" in expired
    assert "SATG-2024-001" not in client.get(f"{URL}/?status=active").get_data(as_text=True)


def test_the_partner_page_lists_its_contracts(client: FlaskClient, auth: Auth) -> None:
    auth.login("auditor")
    partner = _partner("建平县宏达生猪养殖有限公司")
    page = client.get(f"/o/shian-tdgf/partners/{partner.id}").get_data(as_text=True)
    assert "SATG-2024-001" in page
    assert "履行中" in page
    assert "SATG-2024-002" not in page


def _household_page(client: FlaskClient, head: str) -> str:
    from coopledger.members.models import Household

    household = db.session.scalars(sa.select(Household).where(
        Household.head_name == head)).one()
    return client.get(f"/o/shian-tdgf/households/{household.id}").get_data(as_text=True)


def test_a_draft_lease_takes_contributed_parcels_once(client: FlaskClient, auth: Auth) -> None:
    from coopledger.contracts.models import LeasedParcel

    auth.login("accountant")
    _draft(client, starts_on="2026-01-01")
    contract = db.session.scalars(sa.select(Contract).where(
        Contract.number == "SATG-2026-009")).one()
    add = f"{URL}/{contract.id}/parcels"

    def post(code: str) -> str:
        return client.post(add, data={"parcel-parcel_code": code},
                           follow_redirects=True).get_data(as_text=True)

    assert "已加入地块 SA-02-010（" in post("SA-02-010")
    refusals = {
        "SA-01-012": "地块 SA-01-012 已由合同 SATG-2024-001 租出（2024-01-01 至 2038-12-31），"
                     "同一时间不能租给两家。",
        "SA-02-010": "地块 SA-02-010 已在这份合同中。",
        "XX-99": "本社入股地块中没有编码为 XX-99 的地块。",
    }
    for code, reason in refusals.items():
        assert reason in post(code), code
    db.session.expire_all()
    assert [p.parcel.code for p in contract.parcels] == ["SA-02-010"]
    page = client.get(f"{URL}/{contract.id}").get_data(as_text=True)
    assert "共 1 块" in page
    leased = db.session.scalars(sa.select(LeasedParcel).where(
        LeasedParcel.contract_id == contract.id)).one()
    client.post(f"{URL}/{contract.id}/parcels/{leased.id}/remove", data={})
    db.session.expire_all()
    assert contract.parcels == []


def test_a_signed_lease_shows_its_parcels_and_the_household_page_links_back(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    lease = db.session.scalars(sa.select(Contract).where(
        Contract.number == "SATG-2024-001")).one()
    assert sorted(p.parcel.code for p in lease.parcels) == [
        "SA-01-012", "SA-01-013", "SA-02-003", "SA-02-009"]
    page = client.get(f"{URL}/{lease.id}").get_data(as_text=True)
    assert f"共 4 块，{lease.leased_area} 亩" in page
    assert "加入租赁" not in page
    refused = client.post(f"{URL}/{lease.id}/parcels", data={"parcel-parcel_code": "SA-02-010"},
                          follow_redirects=True).get_data(as_text=True)
    assert "合同已签订，不能再修改条款。" in refused
    owner = lease.parcels[0].parcel.household
    household_page = _household_page(client, owner.head_name)
    assert f'href="{URL}/{lease.id}"' in household_page
    assert "建平县宏达生猪养殖有限公司" in household_page
    assert f'href="/o/shian-tdgf/households/{owner.id}"' in page


def test_a_member_sees_which_lease_uses_their_land_without_a_link(client: FlaskClient,
                                                                 auth: Auth) -> None:
    auth.login("member")
    page = client.get("/my/household").get_data(as_text=True)
    assert "出租：SATG-2024-001 建平县宏达生猪养殖有限公司（2024-01-01 – 2038-12-31）" in page
    assert "/contracts/" not in page
