"""Loading the demo world from ``sample_data/world.toml`` through the normal services.

Loading is idempotent and deterministic: a record whose code or username exists is skipped;
everything created is written to the audit log as done by "system". Demo users do not have
to change their password, so the printed logins work at once.
"""

from __future__ import annotations

import datetime as dt
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from coopledger import paths
from coopledger.auth import services as auth_services
from coopledger.auth.models import User
from coopledger.auth.roles import Role
from coopledger.extensions import db
from coopledger.files import store
from coopledger.orgs import services as org_services
from coopledger.orgs.models import AccountingStandard, Organisation, OrgKind, Township, Village
from coopledger.sample_dating import BASE_AS_OF, Dating, dated, dating

WORLD_FILE = "world.toml"
DEMO_PASSWORD = "coop-demo-2026"  # noqa: S105 - printed demo login, documented in the README


@dataclass
class LoadReport:
    """What a load created, what it found already there, and the demo logins."""

    created: int = 0
    skipped: int = 0
    vouchers: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def load_world(path: Path | None = None, *, full: bool = True,
               progress: Callable[[str, float], None] | None = None,
               as_of: dt.date | None = None) -> LoadReport:
    """Create whatever of the demo world is missing; flushes, the caller commits.

    ``full`` adds the demo volume: two years of vouchers for the organisations under
    ``[[books]]`` (about 550 each) and the households under ``[[volume]]`` with a year of share
    changes. The test suite leaves it out except where it checks it. ``progress`` hears the
    name of each part as it is done and the seconds it took. ``as_of`` is the day the world is
    dated to (``sample_dating``; ``load-sample`` gives today, so the books end in the last
    complete month); without it the world is loaded as written (:data:`BASE_AS_OF`).
    """
    source = path or paths.SAMPLE_DATA_DIR / WORLD_FILE
    when = dating(as_of or BASE_AS_OF)
    world = dated(tomllib.loads(source.read_text(encoding="utf-8")), when)
    report = LoadReport()
    password = world.get("demo_password", DEMO_PASSWORD)
    steps: list[tuple[str, Callable[[], None]]] = [
        ("townships", lambda: _load_townships(world.get("townships", []), report)),
        ("organisations", lambda: _load_organisations(world.get("organisations", []), report)),
        ("users", lambda: _load_users(world.get("users", []), password, report)),
        ("households", lambda: _load_households(world.get("households", []), report)),
        ("share operations",
         lambda: _load_share_operations(world.get("share_operations", []), report)),
        ("partners", lambda: _load_partners(world.get("partners", []), report)),
        ("grain prices", lambda: _load_grain_prices(world.get("grain_prices", []), report)),
        ("contracts", lambda: _load_contracts(world.get("contracts", []), report)),
        ("employments", lambda: _load_employments(world.get("employments", []), report)),
    ]
    if full:
        steps += [
            ("more users", lambda: _load_users(world.get("full_users", []), password, report)),
            ("more households",
             lambda: _load_households(world.get("full_households", []), report)),
            ("more share operations",
             lambda: _load_share_operations(world.get("full_share_operations", []), report)),
            ("cooperative members",
             lambda: _load_coop_members(world.get("coop_members", []), report)),
            ("more partners", lambda: _load_partners(world.get("full_partners", []), report)),
            ("resources", lambda: _load_resources(world.get("full_resources", []), report)),
            ("more contracts",
             lambda: _load_contracts(world.get("full_contracts", []), report)),
            ("books (vouchers, distributions, disclosures)", lambda: _load_books(
                [*world.get("books", []), *world.get("full_books", [])], world, report, when)),
            ("share volume", lambda: _load_volume(world.get("volume", []), report, when)),
        ]
        if "full_supervision" in world:
            steps.append(("supervision", lambda: _load_supervision(world, report, when)))
        if "full_filings" in world:
            steps.append(("filings", lambda: _load_filings(world, report)))
        if "full_spending" in world:
            steps.append(("spending", lambda: _load_spending(world, report, when)))
        if "full_banking" in world:
            steps.append(("bank statements and cash counts",
                          lambda: _load_banking(world, report, when)))
    for name, step in steps:
        started = time.perf_counter()
        step()
        if progress is not None:
            progress(name, time.perf_counter() - started)
    return report


def _load_supervision(world: dict[str, Any], report: LoadReport, when: Dating) -> None:
    from coopledger.supervision.sample import load as load_supervision

    made, found = load_supervision(world["full_supervision"], storage=store(),
                                   today=when.as_of)
    report.created, report.skipped = report.created + made, report.skipped + found


def _load_filings(world: dict[str, Any], report: LoadReport) -> None:
    from coopledger.filings.sample import load as load_filings

    made, found = load_filings(world["full_filings"])
    report.created, report.skipped = report.created + made, report.skipped + found


def _load_spending(world: dict[str, Any], report: LoadReport, when: Dating) -> None:
    from coopledger.spending.sample import load as load_spending

    made, found = load_spending(world["full_spending"], storage=store(), today=when.as_of)
    report.created, report.skipped = report.created + made, report.skipped + found


def _load_banking(world: dict[str, Any], report: LoadReport, when: Dating) -> None:
    from coopledger.banking.sample import load as load_banking

    made, found = load_banking(world["full_banking"], storage=store(), when=when)
    report.created, report.skipped = report.created + made, report.skipped + found


def _load_households(rows: list[dict[str, Any]], report: LoadReport) -> None:
    import datetime as dt
    from decimal import Decimal

    from coopledger.dates import today
    from coopledger.members import services as members
    from coopledger.members.models import MembershipSource, Person, Relationship

    for row in rows:
        first_id = row["persons"][0]["id_number"]
        if _one(Person, Person.id_number, first_id) is not None:
            report.skipped += 1
            continue
        household = members.create_household(
            _one(Village, Village.code, row["village"]),
            members.HouseholdData(head_name=row["head"], address=row.get("address", ""),
                                  contract_cert_no=row.get("contract_cert_no", ""),
                                  phone=row.get("phone", ""), bank_name=row.get("bank_name", ""),
                                  bank_account=row.get("bank_account", "")), by=None)
        for person in row["persons"]:
            members.add_person(household, name=person["name"], id_number=person["id_number"],
                               relationship=Relationship(person["relation"]), by=None)
        org = _one(Organisation, Organisation.code, row["member_of"])
        members.admit(org, household, member_number=row["member_number"],
                      joined_on=dt.date.fromisoformat(row["joined_on"]),
                      source=MembershipSource.ORIGINAL, today=today(), by=None)
        for parcel_row in row.get("parcels", []):
            parcel = members.add_parcel(
                household, code=parcel_row["code"], area=Decimal(parcel_row["area"]),
                grade_coefficient=Decimal(parcel_row["grade_coefficient"]),
                location=parcel_row.get("location", ""),
                land_class=parcel_row.get("land_class", ""), by=None)
            if parcel_row.get("contributed_on"):
                members.contribute(parcel, org,
                                   on=dt.date.fromisoformat(parcel_row["contributed_on"]),
                                   today=today(), by=None)
        if row.get("login"):
            members.link_user(household, _one(User, User.username, row["login"]), by=None)
        _register_drafts(org)
        report.created += 1


def _register_drafts(org: Organisation) -> None:
    """Approve and register the share requests the loading filed (land shares of parcels)."""
    from coopledger.dates import today
    from coopledger.shares import services as shares
    from coopledger.shares.models import OperationState, ShareOperation

    for op in db.session.scalars(sa.select(ShareOperation).where(
            ShareOperation.organisation_id == org.id,
            ShareOperation.state == OperationState.DRAFT).order_by(ShareOperation.number)):
        shares.approve(op, today=today(), by=None)
        shares.complete(op, today=today(), by=None)


def _load_share_operations(rows: list[dict[str, Any]], report: LoadReport) -> None:
    import datetime as dt
    from decimal import Decimal

    from coopledger.dates import today
    from coopledger.members.models import Household
    from coopledger.shares import services as shares
    from coopledger.shares.models import OperationKind, ShareKind, ShareOperation

    for row in rows:
        org = _one(Organisation, Organisation.code, row["org"])
        if db.session.scalar(sa.select(ShareOperation.id).where(
                ShareOperation.organisation_id == org.id,
                ShareOperation.document == row.get("document", ""))) is not None:
            report.skipped += 1
            continue

        def holder(name: str | None, org: Organisation = org) -> Any:
            if name is None:
                return None
            if name == "collective":
                return shares.collective_account(org)
            return shares.household_account(org, _one(Household, Household.head_name, name))

        share_class = shares.class_of(org, ShareKind(row["class"]))
        assert share_class is not None, f"{org.code} has no {row['class']} shares"
        op = shares.request(org, kind=OperationKind(row["kind"]), share_class=share_class,
                            source=holder(row.get("from")), target=holder(row.get("to")),
                            quantity=Decimal(row["quantity"]),
                            on=dt.date.fromisoformat(row["on"]), today=today(), by=None,
                            counterparty=row.get("counterparty", ""),
                            reason=row.get("reason", ""), document=row.get("document", ""))
        shares.approve(op, today=today(), by=None)
        shares.complete(op, today=today(), by=None)
        report.created += 1


def _load_partners(rows: list[dict[str, Any]], report: LoadReport) -> None:
    from coopledger.contracts import services as contracts
    from coopledger.contracts.models import Partner, PartnerKind

    for row in rows:
        org = _one(Organisation, Organisation.code, row["org"])
        if db.session.scalar(sa.select(Partner.id).where(
                Partner.organisation_id == org.id, Partner.name == row["name"])) is not None:
            report.skipped += 1
            continue
        fields = {k: v for k, v in row.items() if k not in {"org", "kind"}}
        contracts.create_partner(
            org, contracts.PartnerData(kind=PartnerKind(row["kind"]), **fields), by=None)
        report.created += 1


def _load_contracts(rows: list[dict[str, Any]], report: LoadReport) -> None:
    import datetime as dt
    from decimal import Decimal

    from coopledger.contracts import schedules
    from coopledger.contracts import services as contracts
    from coopledger.contracts.models import Contract, ContractKind, Partner

    def day(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    for row in rows:
        org = _one(Organisation, Organisation.code, row["org"])
        if db.session.scalar(sa.select(Contract.id).where(
                Contract.organisation_id == org.id, Contract.number == row["number"])):
            report.skipped += 1
            continue
        partner = db.session.scalars(sa.select(Partner).where(
            Partner.organisation_id == org.id, Partner.name == row["partner"])).one()
        contract = contracts.create_contract(org, contracts.ContractData(
            number=row["number"], title=row["title"], kind=ContractKind(row["kind"]),
            partner_id=partner.id, starts_on=dt.date.fromisoformat(row["starts_on"]),
            ends_on=day(row.get("ends_on"))), by=None)
        terms = {name: row[name] for name in schedules.TERM_FIELDS if name in row}
        if terms:
            values: dict[str, Any] = {name: value if isinstance(value, int) else Decimal(value)
                                      for name, value in terms.items()}
            schedules.set_terms(contract, schedules.MoneyTerms(**values), by=None)
        for code in row.get("parcels", []):
            contracts.add_leased_parcel(contract, code, by=None)
        for number in row.get("resources", []):
            _link_resource(org, number, contract)
        if "signed_on" in row:
            signed_on = dt.date.fromisoformat(row["signed_on"])
            contracts.sign_contract(contract, approval_ref=row["approval_ref"],
                                    approved_on=day(row["approved_on"]), signed_on=signed_on,
                                    by=None, today=signed_on)
        report.created += 1


def _link_resource(org: Organisation, number: str, contract: Any) -> None:
    from coopledger.assets.resource_models import Resource
    from coopledger.assets.resources import link_contract

    resource = db.session.scalars(sa.select(Resource).where(
        Resource.organisation_id == org.id, Resource.number == number)).one()
    link_contract(resource, contract, by=None)


def _load_resources(rows: list[dict[str, Any]], report: LoadReport) -> None:
    from decimal import Decimal

    from coopledger.assets.resource_models import Resource, ResourceKind, ResourceStatus
    from coopledger.assets.resources import ResourceData, create_resource

    for row in rows:
        org = _one(Organisation, Organisation.code, row["org"])
        if db.session.scalar(sa.select(Resource.id).where(
                Resource.organisation_id == org.id, Resource.number == row["number"])):
            report.skipped += 1
            continue
        create_resource(org, ResourceData(
            number=row["number"], name=row["name"], kind=ResourceKind(row["kind"]),
            area_mu=Decimal(row["area_mu"]) if "area_mu" in row else None,
            status=ResourceStatus(row.get("status", "self_operated")),
            location=row.get("location", ""), size=row.get("size", ""),
            certificate=row.get("certificate", ""), note=row.get("note", "")), by=None)
        report.created += 1


def _load_coop_members(rows: list[dict[str, Any]], report: LoadReport) -> None:
    """Members of a cooperative with their capital shares and a year's transaction volume."""
    import datetime as dt
    from decimal import Decimal

    from coopledger.dates import today
    from coopledger.distribution.volumes import save_volumes
    from coopledger.members import services as members
    from coopledger.members.models import Household, Membership, MembershipSource
    from coopledger.shares import services as shares
    from coopledger.shares.models import OperationKind, ShareKind

    for row in rows:
        org = _one(Organisation, Organisation.code, row["org"])
        household = _one(Household, Household.head_name, row["household"])
        if db.session.scalar(sa.select(Membership.id).where(
                Membership.organisation_id == org.id,
                Membership.household_id == household.id)) is not None:
            report.skipped += 1
            continue
        joined = dt.date.fromisoformat(row["joined_on"])
        members.admit(org, household, member_number=row["member_number"], joined_on=joined,
                      source=MembershipSource.ORIGINAL, today=today(), by=None)
        capital = shares.class_of(org, ShareKind.CAPITAL)
        assert capital is not None, f"{org.code} has no capital shares"
        op = shares.request(org, kind=OperationKind.SUBSCRIBE, share_class=capital, source=None,
                            target=shares.household_account(org, household),
                            quantity=Decimal(row["capital"]), on=joined, today=today(),
                            by=None, reason="入社出资", document=f"出资凭证 {row['member_number']}")
        shares.approve(op, today=today(), by=None)
        shares.complete(op, today=today(), by=None)
        save_volumes(org, joined.year, {household.id: row["volume"]}, by=None)
        report.created += 1


def _load_grain_prices(rows: list[dict[str, Any]], report: LoadReport) -> None:
    from decimal import Decimal

    from coopledger.contracts import schedules
    from coopledger.contracts.money_models import GrainPrice

    for row in rows:
        org = _one(Organisation, Organisation.code, row["org"])
        if db.session.scalar(sa.select(GrainPrice.id).where(
                GrainPrice.organisation_id == org.id, GrainPrice.year == row["year"])):
            report.skipped += 1
            continue
        schedules.set_grain_price(org, int(row["year"]), Decimal(row["price_per_jin"]),
                                  source=row.get("source", ""), by=None)
        report.created += 1


def _load_employments(rows: list[dict[str, Any]], report: LoadReport) -> None:
    import datetime as dt
    from decimal import Decimal

    from coopledger.contracts import employment
    from coopledger.contracts.models import Contract
    from coopledger.contracts.money_models import Employment
    from coopledger.members.models import Person

    for row in rows:
        org = _one(Organisation, Organisation.code, row["org"])
        contract = db.session.scalars(sa.select(Contract).where(
            Contract.organisation_id == org.id, Contract.number == row["contract"])).one()
        person = _one(Person, Person.name, row["person"])
        start = dt.date.fromisoformat(row["period_start"])
        if db.session.scalar(sa.select(Employment.id).where(
                Employment.contract_id == contract.id, Employment.person_id == person.id,
                Employment.period_start == start)):
            report.skipped += 1
            continue
        paid_on = dt.date.fromisoformat(row["paid_on"])
        employment.add_employment(contract, employment.WorkData(
            person_id=person.id, period_start=start,
            period_end=dt.date.fromisoformat(row["period_end"]), days=Decimal(row["days"]),
            wage=Decimal(row["wage"]), paid_on=paid_on), by=None, today=paid_on)
        report.created += 1


def _load_volume(rows: list[dict[str, Any]], report: LoadReport, when: Dating) -> None:
    from coopledger.dates import today
    from coopledger.shares.sample_volume import load_volume

    for row in rows:
        report.created += load_volume(
            _one(Organisation, Organisation.code, row["org"]),
            _one(Village, Village.code, row["village"]), households=int(row["households"]),
            today=today(), seed=int(row["seed"]), years=when.years, until=when.cutoff_end)


def _load_books(rows: list[dict[str, Any]], world: dict[str, Any], report: LoadReport,
                when: Dating) -> None:
    from coopledger.ledger.sample_books import load_books

    storage = store()
    for row in rows:
        org = _one(Organisation, Organisation.code, row["org"])
        accountant = _one(User, User.username, row["accountant"])
        own = [p for p in world.get("contract_payments", []) if p["org"] == row["org"]]
        plans = [d for d in world.get("distributions", []) if d["org"] == row["org"]]

        def month_end(year: int, month: int, org: Organisation = org,
                      own: list[dict[str, Any]] = own, plans: list[dict[str, Any]] = plans,
                      by: User = accountant) -> list[Any]:
            from coopledger.assets.sample import month_end as asset_steps
            from coopledger.distribution.sample import guarantee_steps
            from coopledger.distribution.sample import month_end as distribution_steps
            from coopledger.spending.sample import month_steps as spending_steps

            return [*_record_payments(org, own, year, month, by=by),
                    *asset_steps(org, world, year, month, by=by, storage=storage,
                                 today=when.as_of),
                    *guarantee_steps(org, world.get("guarantee_payments", []), year, month,
                                     by=by),
                    *distribution_steps(org, plans, year, month, by=by, storage=storage,
                                        today=when.as_of),
                    *spending_steps(org, world.get("full_spending"), year, month,
                                    storage=storage, when=when)]

        made = load_books(org, accountant=accountant,
                          reviewer=_one(User, User.username, row["reviewer"]),
                          first_year=int(row["first_year"]), storage=storage, dating=when,
                          seed=int(row["seed"]), month_end=month_end)
        report.vouchers += made
        disclosures = [d for d in world.get("full_disclosures", []) if d["org"] == row["org"]]
        if disclosures:
            from coopledger.disclosure.sample import load as load_disclosures

            report.created += load_disclosures(org, disclosures, storage=storage,
                                               today=when.as_of)


def _record_payments(org: Organisation, rows: list[dict[str, Any]], year: int, month: int, *,
                     by: User) -> list[Any]:
    """Record the month's contract payments; their voucher drafts go through the workflow."""
    import datetime as dt
    from decimal import Decimal

    from coopledger.contracts import payments
    from coopledger.contracts.models import Contract
    from coopledger.contracts.money_models import Purpose

    made = []
    for row in rows:
        on = dt.date.fromisoformat(row["on"])
        if (on.year, on.month) != (year, month):
            continue
        contract = db.session.scalars(sa.select(Contract).where(
            Contract.organisation_id == org.id, Contract.number == row["contract"])).one()
        made.append(payments.record_payment(
            contract, purpose=Purpose(row["purpose"]), on=on, amount=Decimal(row["amount"]),
            cash_code=row["account"], by=by, today=on).voucher)
    return made


def _one(model: Any, column: Any, value: str) -> Any:
    return db.session.scalar(sa.select(model).where(column == value))


def _load_townships(rows: list[dict[str, Any]], report: LoadReport) -> None:
    for row in rows:
        township = _one(Township, Township.code, row["code"])
        if township is None:
            township = org_services.create_township(
                code=row["code"], name=row["name"], county=row["county"], by=None)
            report.created += 1
        else:
            report.skipped += 1
        for village_row in row.get("villages", []):
            if _one(Village, Village.code, village_row["code"]) is None:
                org_services.create_village(township, code=village_row["code"],
                                            name=village_row["name"], by=None)
                report.created += 1
            else:
                report.skipped += 1


def _load_organisations(rows: list[dict[str, Any]], report: LoadReport) -> None:
    for row in rows:
        if _one(Organisation, Organisation.code, row["code"]) is not None:
            report.skipped += 1
            continue
        leader_code = row.get("leading_org")
        data = org_services.OrganisationData(
            code=row["code"], name=row["name"], kind=OrgKind(row["kind"]),
            credit_code=row["credit_code"], standard=AccountingStandard(row["standard"]),
            village=_one(Village, Village.code, row["village"]),
            leading_org=_one(Organisation, Organisation.code, leader_code) if leader_code else None)
        org_services.create_organisation(data, by=None)
        report.created += 1


def _load_users(rows: list[dict[str, Any]], password: str, report: LoadReport) -> None:
    hashed: tuple[str, str] | None = None
    for row in rows:
        user = _one(User, User.username, row["username"])
        if user is None:
            user, _initial = auth_services.create_user(
                username=row["username"], display_name=row["name"], password=password, by=None,
                min_password_length=current_app.config["MIN_PASSWORD_LENGTH"],
                must_change_password=False, hashed=hashed)
            hashed = (password, user.password_hash)
            for grant in row.get("roles", []):
                auth_services.assign_role(
                    user, Role(grant["role"]),
                    organisation=_one(Organisation, Organisation.code, grant.get("org", "")),
                    township=_one(Township, Township.code, grant.get("township", "")), by=None)
            report.created += 1
        else:
            report.skipped += 1
        scopes = ", ".join(a.scope_label for a in user.assignments if a.scope_label)
        roles = ",".join(sorted({a.role.value for a in user.assignments}))
        report.logins.append((user.username, roles, scopes))
