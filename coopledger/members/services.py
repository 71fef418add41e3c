"""Registering households, persons, memberships and parcels; contributing land (入股).

Services check the rules, write one audit line and flush; the calling view commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

import sqlalchemy as sa

from coopledger import plausible
from coopledger.audit.services import masked_snapshot, record
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ids import birth_date_of, gender_of, normalize_resident_id
from coopledger.members import queries, rules
from coopledger.members.models import (
    Contribution,
    Household,
    IdLookup,
    Membership,
    MembershipSource,
    Parcel,
    Person,
    Relationship,
)
from coopledger.members.settled import refuse_if_settled
from coopledger.orgs.models import Organisation, Village
from coopledger.textnum import ascii_text, is_digits

if TYPE_CHECKING:
    from coopledger.auth.models import User

HOUSEHOLD_FIELDS = ("head_name", "address", "contract_cert_no", "phone", "bank_name",
                    "bank_account", "village_id")


@dataclass(frozen=True)
class HouseholdData:
    """The editable fields of a household."""

    head_name: str
    address: str = ""
    contract_cert_no: str = ""
    phone: str = ""
    bank_name: str = ""
    bank_account: str = ""


def clean_phone(phone: str) -> str:
    """Digits of a phone number (7 to 12), or a rule error."""
    digits = ascii_text(phone).strip().replace(" ", "").replace("-", "")
    if digits and (not is_digits(digits) or not 7 <= len(digits) <= 12):
        raise rules.MemberRuleError(N_("电话号码“%(phone)s”不正确。"), phone=phone)
    return digits


def clean_bank_account(account: str) -> str:
    """Digits of a bank account (8 to 30), or a rule error."""
    digits = ascii_text(account).strip().replace(" ", "")
    if digits and (not is_digits(digits) or not 8 <= len(digits) <= 30):
        raise rules.MemberRuleError(N_("银行账号应为8至30位数字。"))
    return digits


def _apply(household: Household, data: HouseholdData) -> None:
    if not data.head_name.strip():
        raise rules.MemberRuleError(N_("请填写户主姓名。"))
    household.head_name = data.head_name.strip()
    household.address = data.address.strip()
    household.contract_cert_no = data.contract_cert_no.strip()
    household.phone = clean_phone(data.phone)
    household.bank_name = data.bank_name.strip()
    household.bank_account = clean_bank_account(data.bank_account)


def create_household(village: Village, data: HouseholdData, *, by: User | None,
                     owner: Organisation | None = None) -> Household:
    """Register a household of a village, kept by ``owner`` (the registering organisation; by
    default the village's collective)."""
    keeper = owner or queries.village_collective(village.id)
    household = Household(village=village,
                          owner_organisation_id=keeper.id if keeper is not None else None)
    _apply(household, data)
    db.session.add(household)
    db.session.flush()
    record("household.create", household, by=by, label=f"{village} {household}",
           after=masked_snapshot(household, HOUSEHOLD_FIELDS))
    return household


def update_household(household: Household, data: HouseholdData, *, by: User | None,
                     ) -> Household:
    """Change a household's details."""
    before = masked_snapshot(household, HOUSEHOLD_FIELDS)
    _apply(household, data)
    db.session.flush()
    record("household.update", household, by=by, label=str(household), before=before,
           after=masked_snapshot(household, HOUSEHOLD_FIELDS))
    return household


class DuplicateIdError(rules.MemberRuleError):
    """The ID number typed is already registered (a lookup, counted per user)."""


LOOKUPS_PER_HOUR = 20


def lookups_in_last_hour(user: User, *, now: dt.datetime) -> int:
    """How many already-registered ID numbers the user typed in the last hour."""
    return db.session.scalar(sa.select(sa.func.count(IdLookup.id)).where(
        IdLookup.user_id == user.id, IdLookup.at > now - dt.timedelta(hours=1))) or 0


def record_lookup(user: User, *, now: dt.datetime) -> None:
    """Count one lookup (called after the refused change was rolled back); flushes."""
    db.session.add(IdLookup(user_id=user.id, at=now))
    db.session.flush()


def add_person(household: Household, *, name: str, id_number: str, relationship: Relationship,
               by: User | None, may_see: Callable[[Household], bool] = lambda _h: False,
               now: dt.datetime | None = None) -> Person:
    """Add a person to a household; the same ID number can never be entered twice.

    An ID number already registered is refused naming its holder only to a user who may see
    that household (``may_see``); anyone else is told it is registered elsewhere and to ask the
    township that keeps it. Those refusals are lookups: past ``LOOKUPS_PER_HOUR`` in an hour the
    user's further IDs are not looked up at all (no ID-number oracle).
    """
    if not name.strip():
        raise rules.MemberRuleError(N_("请填写姓名。"))
    number = normalize_resident_id(id_number)
    if by is not None and now is not None and \
            lookups_in_last_hour(by, now=now) >= LOOKUPS_PER_HOUR:
        raise rules.MemberRuleError(
            N_("一小时内已有 %(n)d 次录入了已登记的身份证号，暂停核对身份证号：请一小时后再试，"
               "或联系乡镇农经站。"), n=LOOKUPS_PER_HOUR)
    existing = db.session.scalar(sa.select(Person).where(Person.id_number == number))
    if existing is not None:
        holder = existing.household
        if may_see(holder):
            raise DuplicateIdError(
                N_("身份证号已登记：%(name)s，%(village)s%(household)s。请勿重复录入。"),
                name=existing.name, village=str(holder.village), household=str(holder))
        raise DuplicateIdError(
            N_("这个身份证号已在别处登记（%(township)s），不能重复录入：如需核实，请联系该乡镇"
               "农经站。"), township=holder.village.township.name)
    if relationship is Relationship.HEAD and any(
            p.relation is Relationship.HEAD for p in household.persons):
        raise rules.MemberRuleError(N_("这一户已经有户主。"))
    person = Person(household=household, name=name.strip(), id_number=number,
                    gender=gender_of(number), birth_on=birth_date_of(number),
                    relation=relationship)
    db.session.add(person)
    db.session.flush()
    record("person.create", household, by=by, label=f"{household} {person.name}",
           after={"name": person.name, "relationship": relationship.value})
    return person


def admit(org: Organisation, household: Household, *, member_number: str, joined_on: dt.date,
          source: MembershipSource, today: dt.date, by: User | None) -> Membership:
    """Make a household a member of an organisation."""
    rules.check_not_future(joined_on, today=today)
    number = member_number.strip()
    if not number:
        raise rules.MemberRuleError(N_("请填写成员编号。"))
    if db.session.scalar(sa.select(Membership.id).where(
            Membership.organisation_id == org.id, Membership.household_id == household.id)):
        raise rules.MemberRuleError(N_("%(household)s已经是%(org)s的成员。"),
                                    household=str(household), org=org.name)
    if db.session.scalar(sa.select(Membership.id).where(
            Membership.organisation_id == org.id, Membership.member_number == number)):
        raise rules.MemberRuleError(N_("成员编号 %(number)s 已被使用。"), number=number)
    membership = Membership(organisation=org, household=household, member_number=number,
                            joined_on=joined_on, left_on=None, source=source)
    db.session.add(membership)
    db.session.flush()
    record("membership.create", org, by=by, label=f"{org.name} {household} {number}",
           after={"household_id": household.id, "number": number,
                  "joined_on": joined_on.isoformat(), "source": source.value})
    return membership


class Leaving(Protocol):
    """What follows a household leaving in another domain (the shares domain: its shares end
    by drafted buy-backs, or the leaving is refused while they are held)."""

    def __call__(self, household: Household, org: Organisation, *, on: dt.date,
                 today: dt.date, by: User | None, buy_back: bool) -> object: ...


ON_LEAVE: list[Leaving] = []


def end_membership(membership: Membership, *, left_on: dt.date, today: dt.date,
                   by: User | None, buy_back: bool = False) -> Membership:
    """Record that a household left the organisation. Its shares end with it: with
    ``buy_back`` a buy-back request per class it holds is drafted (ON_LEAVE), without it the
    leaving is refused while it holds any."""
    rules.check_not_future(left_on, today=today)
    rules.check_membership_dates(membership.joined_on, left_on)
    if membership.left_on is not None:
        raise rules.MemberRuleError(N_("该户已于 %(on)s 退社。"), on=membership.left_on.isoformat())
    for then in ON_LEAVE:          # while still a member on the day: the requests are its own
        then(membership.household, membership.organisation, on=left_on, today=today, by=by,
             buy_back=buy_back)
    membership.left_on = left_on
    db.session.flush()
    record("membership.end", membership.organisation, by=by,
           label=f"{membership.organisation.name} {membership.household}",
           after={"left_on": left_on.isoformat()})
    return membership


def add_parcel(household: Household, *, code: str, area: Decimal, grade_coefficient: Decimal,
               contract_cert_no: str = "", location: str = "", land_class: str = "",
               by: User | None) -> Parcel:
    """Register a contracted parcel of a household."""
    code = code.strip()
    if not code:
        raise rules.MemberRuleError(N_("请填写地块编码。"))
    if any(p.code == code for p in household.parcels):
        raise rules.MemberRuleError(N_("这一户已有编码为 %(code)s 的地块。"), code=code)
    if area <= 0 or grade_coefficient <= 0:
        raise rules.MemberRuleError(N_("面积和等级系数必须大于零。"))
    plausible.check_area(area, what=N_("地块面积"))
    parcel = Parcel(household=household, code=code, area=area,
                    grade_coefficient=grade_coefficient,
                    contract_cert_no=contract_cert_no.strip() or household.contract_cert_no,
                    location=location.strip(), land_class=land_class.strip())
    db.session.add(parcel)
    db.session.flush()
    record("parcel.create", household, by=by, label=f"{household} {code}",
           after={"code": code, "area": str(area), "grade_coefficient": str(grade_coefficient)})
    return parcel


def contribute(parcel: Parcel, org: Organisation, *, on: dt.date, today: dt.date,
               by: User | None) -> Contribution:
    """Contribute a parcel to a cooperative (入股) from ``on``.

    When the cooperative has a land share class, the 入股 request for the parcel's land shares
    (area × coefficient × shares per 亩, with the calculation) is filed for approval.
    """
    if not org.kind.is_cooperative:
        raise rules.MemberRuleError(N_("土地只能入股合作社。"))
    rules.check_not_future(on, today=today)
    plausible.check_date(on, today=today, what=N_("入股日期"))
    membership = db.session.scalar(sa.select(Membership).where(
        Membership.organisation_id == org.id, Membership.household_id == parcel.household_id))
    if membership is None or not membership.active_on(on):
        raise rules.MemberRuleError(N_("%(household)s在 %(on)s 不是%(org)s的成员，请先办理入社。"),
                                    household=str(parcel.household), on=on.isoformat(),
                                    org=org.name)
    rules.check_contribution([(c.contributed_on, c.withdrawn_on) for c in parcel.contributions],
                             on)
    refuse_if_settled(org, on)
    contribution = Contribution(parcel=parcel, organisation=org, contributed_on=on,
                                withdrawn_on=None)
    db.session.add(contribution)
    db.session.flush()
    for then in ON_CONTRIBUTE:
        then(parcel, org, on=on, today=today, by=by)
    record("parcel.contribute", org, by=by,
           label=f"{org.name} {parcel.household} {parcel.code}",
           after={"parcel_id": parcel.id, "area": str(parcel.area), "on": on.isoformat()})
    return contribution


class Contributed(Protocol):
    """What follows a parcel's contribution in another domain (the shares domain's 入股
    request for its land shares), registered by the app factory: members imports none."""

    def __call__(self, parcel: Parcel, org: Organisation, *, on: dt.date, today: dt.date,
                 by: User | None) -> object: ...


ON_CONTRIBUTE: list[Contributed] = []


class Withdrawn(Protocol):
    """What follows a parcel's withdrawal in another domain (the shares domain: the parcel's
    land shares end by a drafted buy-back, or the withdrawal is refused while they are held),
    registered by the app factory."""

    def __call__(self, parcel: Parcel, org: Organisation, *, on: dt.date, today: dt.date,
                 by: User | None, buy_back: bool) -> object: ...


ON_WITHDRAW: list[Withdrawn] = []


def withdraw(contribution: Contribution, *, on: dt.date, today: dt.date,
             by: User | None, buy_back: bool = False) -> Contribution:
    """End a parcel's contribution on ``on`` (inclusive). The land shares it gave end too:
    with ``buy_back`` a buy-back request of them is drafted (ON_WITHDRAW); without it, the
    withdrawal is refused while the household still holds them (issue 19: a household never
    keeps shares for land it no longer contributes)."""
    rules.check_not_future(on, today=today)
    if contribution.withdrawn_on is not None:
        raise rules.MemberRuleError(N_("这块地已于 %(on)s 退出。"),
                                    on=contribution.withdrawn_on.isoformat())
    rules.check_withdrawal(contribution.contributed_on, on)
    refuse_if_settled(contribution.organisation, on)
    contribution.withdrawn_on = on
    db.session.flush()
    for then in ON_WITHDRAW:
        then(contribution.parcel, contribution.organisation, on=on, today=today, by=by,
             buy_back=buy_back)
    record("parcel.withdraw", contribution.organisation, by=by,
           label=f"{contribution.organisation.name} {contribution.parcel.household} "
                 f"{contribution.parcel.code}", after={"on": on.isoformat()})
    return contribution


def set_payout_account(membership: Membership, *, bank_name: str, bank_account: str,
                       by: User | None) -> Membership:
    """An organisation's own payout account for a member household (empty: the household's)."""
    before = masked_snapshot(membership, ("bank_name", "bank_account"))
    membership.bank_name = bank_name.strip()
    membership.bank_account = clean_bank_account(bank_account)
    if membership.bank_account and not membership.bank_name:
        raise rules.MemberRuleError(N_("请填写开户银行。"))
    db.session.flush()
    record("membership.payout_account", membership.household, by=by,
           label=f"{membership.organisation.name} {membership.household}", before=before,
           after=masked_snapshot(membership, ("bank_name", "bank_account")))
    return membership


def link_user(household: Household, user: User | None, *, by: User | None) -> Household:
    """Give a member's login access to their own household (or remove it)."""
    household.user = user
    db.session.flush()
    record("household.link_user", household, by=by, label=str(household),
           after={"user": user.username if user else None})
    return household




def open_member_login(household: Household, org: Organisation, *, username: str,
                      min_password_length: int, by: User | None) -> tuple[User, str]:
    """Create the household's member login (forced password change) and link it.

    Returns the account and its generated initial password, to hand over in person.
    """
    from coopledger.auth import services as accounts
    from coopledger.auth.roles import Role

    if household.user_id is not None:
        raise rules.MemberRuleError(N_("这一户已经有社员登录账号。"))
    if not any(m.organisation_id == org.id for m in household.memberships):
        raise rules.MemberRuleError(N_("%(household)s不是%(org)s的成员。"),
                                    household=str(household), org=org.name)
    user, password = accounts.create_user(username=username, display_name=household.head_name,
                                          password=None, by=by,
                                          min_password_length=min_password_length)
    accounts.assign_role(user, Role.MEMBER, organisation=org, township=None, by=by)
    link_user(household, user, by=by)
    return user, password
