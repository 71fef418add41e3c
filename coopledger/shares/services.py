"""The share register's use cases: set-up, requests, approval, completion, certificates.

Requests are numbered without gaps per organisation (a counter row locked while numbering);
nothing is deleted: a refused request stays in the register with its reason. Completing a
request re-checks every rule against the register as it stands and reissues the certificates
of the households whose holdings changed. Services flush and audit; the view commits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.audit.services import record
from coopledger.auth.permissions import permitted
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.locking import lock
from coopledger.members.models import Household, Membership, Parcel
from coopledger.members.settled import refuse_if_settled
from coopledger.money import plain
from coopledger.orgs.models import Organisation, OrgKind
from coopledger.shares import rules
from coopledger.shares.models import (
    Certificate,
    CertificateStatus,
    OperationKind,
    OperationState,
    ShareAccount,
    ShareClass,
    ShareKind,
    ShareOperation,
    ShareSettings,
)
from coopledger.workflow import Steps

if TYPE_CHECKING:
    from coopledger.auth.models import User

DEFAULT_CLASSES = {
    OrgKind.LAND_SHARE_COOP: (ShareKind.LAND, ShareKind.COLLECTIVE),
    OrgKind.VILLAGE_COLLECTIVE: (ShareKind.POPULATION, ShareKind.SENIORITY, ShareKind.COLLECTIVE),
    OrgKind.PROFESSIONAL_COOP: (ShareKind.CAPITAL,),
}


def settings_of(org: Organisation, *, lock: bool = False) -> ShareSettings:
    """The organisation's share settings. A read of an organisation that has none gets the
    defaults, not added to the session (a page view writes nothing); ``lock`` — for a change or
    a number drawn from the counters — stores the defaults first and locks the row."""
    query = sa.select(ShareSettings).where(ShareSettings.organisation_id == org.id)
    found = db.session.scalar(query.with_for_update() if lock else query)
    if found is None:
        found = ShareSettings(organisation_id=org.id, shares_per_mu=Decimal("1.0000"),
                              decimals=2, rounding="half_up",
                              buyback_cap_percent=Decimal("5.0000"), last_operation_number=0,
                              last_certificate_serial=0)
        if lock:
            db.session.add(found)
            db.session.flush()
            found = db.session.scalars(query.with_for_update()).one()
    return found


def set_up_classes(org: Organisation) -> None:
    """A new organisation's usual share classes (orgs.services.SET_UP), so reads create none."""
    classes_of(org, create=True)


def classes_of(org: Organisation, *, create: bool = False) -> list[ShareClass]:
    """The organisation's share classes; with ``create`` (a write that needs a class) the usual
    ones for its kind are created the first time. A read never creates them."""
    existing = list(db.session.scalars(sa.select(ShareClass).where(
        ShareClass.organisation_id == org.id).order_by(ShareClass.id)))
    if existing or not create:
        return existing
    settings_of(org, lock=True)
    for kind in DEFAULT_CLASSES[org.kind]:
        if kind is ShareKind.COLLECTIVE and collective_holder(org) is None:
            continue
        db.session.add(ShareClass(organisation_id=org.id, kind=kind, name=kind.label,
                                  unit_value=Decimal("0.00")))
    db.session.flush()
    return list(db.session.scalars(sa.select(ShareClass).where(
        ShareClass.organisation_id == org.id).order_by(ShareClass.id)))


def collective_holder(org: Organisation) -> Organisation | None:
    """Who holds 集体股: the organisation itself if it is the collective, else its leader."""
    if org.kind is OrgKind.VILLAGE_COLLECTIVE:
        return org
    return org.leading_org


def class_of(org: Organisation, kind: ShareKind) -> ShareClass | None:
    """The organisation's class of this kind, if it has one."""
    return next((c for c in classes_of(org, create=True) if c.kind is kind), None)


def household_account(org: Organisation, household: Household) -> ShareAccount:
    """The household's share account in ``org`` (created when first needed)."""
    account = db.session.scalar(sa.select(ShareAccount).where(
        ShareAccount.organisation_id == org.id, ShareAccount.household_id == household.id))
    if account is None:
        account = ShareAccount(organisation_id=org.id, household=household)
        db.session.add(account)
        db.session.flush()
    return account


def collective_account(org: Organisation) -> ShareAccount:
    """The collective's share account in ``org``."""
    holder = collective_holder(org)
    if holder is None:
        raise rules.ShareRuleError(N_("本组织没有领办的村集体经济组织，不能设集体股。"))
    account = db.session.scalar(sa.select(ShareAccount).where(
        ShareAccount.organisation_id == org.id, ShareAccount.household_id.is_(None)))
    if account is None:
        account = ShareAccount(organisation_id=org.id, collective_org=holder)
        db.session.add(account)
        db.session.flush()
    return account


def _as_rule(op: ShareOperation) -> rules.Op:
    return rules.Op(op.number, op.kind, op.share_class_id, op.from_account_id, op.to_account_id,
                    op.quantity, op.effective_on)


def request(org: Organisation, *, kind: OperationKind, share_class: ShareClass,
            source: ShareAccount | None, target: ShareAccount | None, quantity: Decimal,
            on: dt.date, today: dt.date, by: User | None, counterparty: str = "",
            reason: str = "", document: str = "", parcel: Parcel | None = None,
            calculation: str = "", scan: tuple[str, str, str] | None = None) -> ShareOperation:
    """File a register request (draft), numbered without gaps.

    ``scan`` is a stored supporting document: (sha256, content type, file name).
    """
    _check_shape(kind, source, target, counterparty)
    rules.check_request(_draft_rule(kind, share_class, source, target, quantity, on), today=today,
                        windows=_windows(org, source, target),
                        collective_only=share_class.collective_only, names=_names(source, target))
    refuse_if_settled(org, on)
    settings = settings_of(org, lock=True)
    settings.last_operation_number += 1
    op = ShareOperation(organisation_id=org.id, number=settings.last_operation_number,
                        kind=kind, state=OperationState.DRAFT, share_class=share_class,
                        from_account=source, to_account=target, quantity=quantity,
                        effective_on=on, counterparty=counterparty.strip(),
                        reason=reason.strip(), document=document.strip(), parcel=parcel,
                        calculation=calculation, created_by_id=by.id if by else None,
                        created_at=utcnow())
    if scan is not None:
        op.document_sha256, op.document_type, op.document_name = scan
    db.session.add(op)
    db.session.flush()
    record("share.request", org, by=by, label=f"{org.name} 股权变更 第{op.number}号",
           after=_snapshot(op))
    return op


def _draft_rule(kind: OperationKind, share_class: ShareClass, source: ShareAccount | None,
                target: ShareAccount | None, quantity: Decimal, on: dt.date) -> rules.Op:
    return rules.Op(0, kind, share_class.id, source.id if source else None,
                    target.id if target else None, quantity, on)


def _check_shape(kind: OperationKind, source: ShareAccount | None, target: ShareAccount | None,
                 counterparty: str) -> None:
    needs_source = kind in (*rules.MOVES, OperationKind.BUYBACK, OperationKind.PLEDGE,
                            OperationKind.RELEASE)
    needs_target = kind in (*rules.MOVES, OperationKind.SUBSCRIBE, OperationKind.INCREASE)
    if needs_source and source is None:
        raise rules.ShareRuleError(N_("请选择转出（或质押）的一方。"))
    if needs_target and target is None:
        raise rules.ShareRuleError(N_("请选择转入的一方。"))
    if kind is OperationKind.ADJUST and (source is None) == (target is None):
        raise rules.ShareRuleError(N_("调整须且只能选择减少的一方或增加的一方。"))
    if kind is OperationKind.PLEDGE and not counterparty.strip():
        raise rules.ShareRuleError(N_("质押须填写质权人（如贷款银行）。"))


def _windows(org: Organisation, *accounts: ShareAccount | None,
             ) -> dict[int, rules.Window | None]:
    windows: dict[int, rules.Window | None] = {}
    for account in accounts:
        if account is None:
            continue
        if account.household_id is None:
            windows[account.id] = None
            continue
        membership = db.session.scalar(sa.select(Membership).where(
            Membership.organisation_id == org.id,
            Membership.household_id == account.household_id))
        if membership is None:
            raise rules.ShareRuleError(N_("%(holder)s不是本社成员，请先办理入社。"),
                                       holder=account.name)
        windows[account.id] = rules.Window(membership.joined_on, membership.left_on)
    return windows


def _names(*accounts: ShareAccount | None) -> dict[int, str]:
    return {a.id: a.name for a in accounts if a is not None}


def _snapshot(op: ShareOperation) -> dict[str, object]:
    return {"number": op.number, "kind": op.kind.value, "class": op.share_class.kind.value,
            "from": op.from_account.name if op.from_account else None,
            "to": op.to_account.name if op.to_account else None,
            "quantity": str(op.quantity), "on": op.effective_on.isoformat(),
            "state": op.state.value}


def _validate(op: ShareOperation, today: dt.date) -> None:
    org = op.organisation
    rules.check_request(_as_rule(op), today=today,
                        windows=_windows(org, op.from_account, op.to_account),
                        collective_only=op.share_class.collective_only,
                        names=_names(op.from_account, op.to_account))
    refuse_if_settled(org, op.effective_on)
    # Only the holdings of the accounts the request touches can go short: fold their
    # operations alone (the whole register made every request cost O(register)).
    involved = [a.id for a in (op.from_account, op.to_account) if a is not None]
    done = [_as_rule(o) for o in db.session.scalars(sa.select(ShareOperation).where(
        ShareOperation.organisation_id == org.id, ShareOperation.state == OperationState.DONE,
        ShareOperation.share_class_id == op.share_class_id, ShareOperation.id != op.id,
        sa.or_(ShareOperation.from_account_id.in_(involved),
               ShareOperation.to_account_id.in_(involved))))]
    rules.check_register(done, _as_rule(op), _names(op.from_account, op.to_account))
    if op.kind is OperationKind.BUYBACK:
        _check_cap(op)


def _check_cap(op: ShareOperation) -> None:
    from coopledger.shares.queries import total_outstanding

    year = op.effective_on.year
    already = db.session.scalar(sa.select(sa.func.sum(sa.type_coerce(
        ShareOperation.__table__.c.quantity, sa.BigInteger))).where(
        ShareOperation.organisation_id == op.organisation_id,
        ShareOperation.kind == OperationKind.BUYBACK, ShareOperation.id != op.id,
        ShareOperation.state.in_((OperationState.APPROVED, OperationState.DONE)),
        ShareOperation.effective_on >= dt.date(year, 1, 1),
        ShareOperation.effective_on <= dt.date(year, 12, 31))) or 0
    settings = settings_of(op.organisation)
    rules.check_buyback_cap(op.quantity, already=Decimal(int(already)).scaleb(-4),
                            outstanding=total_outstanding(op.organisation, op.effective_on),
                            cap_percent=settings.buyback_cap_percent, year=year)


def steps_for(op: ShareOperation, user: User | None) -> Steps:
    """The steps ``user`` may take on the request now (``rules.share_request_steps``); None is
    the system (the sample, an import), which may take any step the state allows."""
    org = op.organisation
    return rules.share_request_steps(
        state=op.state.value, number=op.number,
        may=permitted(user, org))


def approve(op: ShareOperation, *, today: dt.date, by: User | None) -> ShareOperation:
    """The board approves a draft request (the rules are checked now and again on completion)."""
    lock(op)
    steps_for(op, by).require("approve", rules.ShareRuleError)
    _validate(op, today)
    return _decide(op, OperationState.APPROVED, "share.approve", by)


def complete(op: ShareOperation, *, today: dt.date, by: User | None) -> ShareOperation:
    """Register an approved request: it takes effect and certificates are reissued.

    The organisation's share settings are locked first (one completion at a time per
    organisation, so "enough shares" is checked against every completed operation), then the
    request itself, whose state is re-checked: a second completion gets a sentence.
    """
    settings_of(op.organisation, lock=True)
    lock(op)
    steps_for(op, by).require("complete", rules.ShareRuleError)
    _validate(op, today)
    _decide(op, OperationState.DONE, "share.complete", by)
    from coopledger.shares.capital import capital_voucher

    voucher = capital_voucher(op, on=today, by=by, today=today)
    if voucher is not None:
        op.voucher_id = voucher.id
    for account in (op.from_account, op.to_account):
        if account is not None and account.household_id is not None:
            reissue_certificate(account, on=today, by=by)
    return op


def refuse(op: ShareOperation, *, reason: str, by: User | None) -> ShareOperation:
    """Refuse a request with a reason; it stays in the register."""
    lock(op)
    steps_for(op, by).require("refuse", rules.ShareRuleError)
    if not reason.strip():
        raise rules.ShareRuleError(N_("驳回须说明原因。"))
    op.refusal_reason = reason.strip()[:300]
    return _decide(op, OperationState.REFUSED, "share.refuse", by)


def _decide(op: ShareOperation, state: OperationState, action: str,
            by: User | None) -> ShareOperation:
    before = op.state.value
    op.state = state
    op.decided_by_id = by.id if by else None
    op.decided_at = utcnow()
    db.session.flush()
    record(action, op.organisation, by=by, label=f"{op.organisation.name} 股权变更 第{op.number}号",
           before={"state": before}, after=_snapshot(op))
    return op


def request_land_shares(parcel: Parcel, org: Organisation, *, on: dt.date, today: dt.date,
                        by: User | None) -> ShareOperation | None:
    """The 入股 request for a contributed parcel's land shares (None without a land class)."""
    land = class_of(org, ShareKind.LAND)
    if land is None:
        return None
    settings = settings_of(org)
    quantity, calculation = rules.land_shares(parcel.area, parcel.grade_coefficient,
                                              settings.shares_per_mu, decimals=settings.decimals,
                                              rounding=settings.rounding)
    return request(org, kind=OperationKind.SUBSCRIBE, share_class=land, source=None,
                   target=household_account(org, parcel.household), quantity=quantity, on=on,
                   today=today, by=by, reason=f"地块 {parcel.code} 入股", parcel=parcel,
                   calculation=calculation)


def end_land_shares(parcel: Parcel, org: Organisation, *, on: dt.date, today: dt.date,
                    by: User | None, buy_back: bool) -> ShareOperation | None:
    """When a parcel leaves the cooperative on ``on``: the land shares its 入股 gave that the
    household still holds then (at most what it holds) are bought back — a buy-back request is
    drafted, effective ``on``, for the board to approve — or, without ``buy_back``, the
    withdrawal is refused naming them. None when nothing is held from the parcel."""
    land = class_of(org, ShareKind.LAND)
    if land is None:
        return None
    given = db.session.scalar(sa.select(sa.func.sum(sa.type_coerce(
        ShareOperation.__table__.c.quantity, sa.BigInteger))).where(
        ShareOperation.organisation_id == org.id, ShareOperation.parcel_id == parcel.id,
        ShareOperation.kind.in_((OperationKind.SUBSCRIBE, OperationKind.INCREASE)),
        ShareOperation.state == OperationState.DONE))
    if not given:
        return None
    from coopledger.shares.queries import account_holdings

    account = household_account(org, parcel.household)
    held = dict(account_holdings(account, on)).get(land, rules.ZERO)
    quantity = min(Decimal(int(given)).scaleb(-4), held)
    if quantity <= 0:
        return None
    if not buy_back:
        raise rules.ShareRuleError(
            N_("%(household)s 仍持有地块 %(code)s 折的 %(n)s 股土地股：退出时请选择“同时起草回购"
               "申请”，或先办理这些股份的转让或回购。"),
            household=str(parcel.household), code=parcel.code, n=plain(quantity))
    return request(org, kind=OperationKind.BUYBACK, share_class=land, source=account,
                   target=None, quantity=quantity, on=on, today=today, by=by,
                   reason=f"地块 {parcel.code} 退出", parcel=parcel)


def end_holdings(household: Household, org: Organisation, *, on: dt.date, today: dt.date,
                 by: User | None, buy_back: bool) -> list[ShareOperation]:
    """When a household leaves on ``on``: each class of shares it holds then is bought back —
    one buy-back request per class, drafted for the board — or, without ``buy_back``, the
    leaving is refused naming what it holds (退社 must not leave shares without a member)."""
    from coopledger.shares.queries import account_holdings

    account = db.session.scalar(sa.select(ShareAccount).where(
        ShareAccount.organisation_id == org.id, ShareAccount.household_id == household.id))
    if account is None:
        return []
    held = [(share_class, quantity) for share_class, quantity in account_holdings(account, on)
            if quantity > 0]
    if not held:
        return []
    if not buy_back:
        raise rules.ShareRuleError(
            N_("%(household)s 退社时仍持有 %(shares)s：请选择“同时起草回购申请”，或先办理这些"
               "股份的转让、继承或回购。"), household=str(household),
            shares="、".join(f"{share_class.name} {plain(quantity)} 股"
                            for share_class, quantity in held))
    return [request(org, kind=OperationKind.BUYBACK, share_class=share_class, source=account,
                    target=None, quantity=quantity, on=on, today=today, by=by,
                    reason="退社，本社回购") for share_class, quantity in held]


def reissue_certificate(account: ShareAccount, *, on: dt.date, by: User | None,
                        ) -> Certificate | None:
    """Cancel the household's current certificate and issue the next version."""
    from coopledger.shares.queries import account_holdings

    org = db.session.get(Organisation, account.organisation_id)
    assert org is not None
    current = db.session.scalar(sa.select(Certificate).where(
        Certificate.account_id == account.id, Certificate.status == CertificateStatus.ISSUED))
    held = {c.name: str(q) for c, q in account_holdings(account, on) if q}
    if current is None and not held:
        return None
    if current is not None:
        current.status = CertificateStatus.CANCELLED
        current.cancelled_on = on
        serial, version = current.serial, current.version + 1
    else:
        settings = settings_of(org, lock=True)
        settings.last_certificate_serial += 1
        serial, version = f"{org.code.upper()}-{settings.last_certificate_serial:05d}", 1
    certificate = Certificate(organisation_id=org.id, account=account, serial=serial,
                              version=version, status=CertificateStatus.ISSUED, issued_on=on,
                              cancelled_on=None, holdings=held,
                              token=secrets.token_urlsafe(12))
    db.session.add(certificate)
    db.session.flush()
    record("certificate.issue", org, by=by, label=f"{serial} 第{version}版",
           after={"holdings": held})
    return certificate


def update_settings(org: Organisation, *, shares_per_mu: Decimal, decimals: int, rounding: str,
                    buyback_cap_percent: Decimal, by: User | None) -> ShareSettings:
    """Change the land conversion, rounding and buy-back cap (future requests use them)."""
    if not 0 <= decimals <= 4 or rounding not in ("half_up", "down"):
        raise rules.ShareRuleError(N_("取舍规则不正确。"))
    if shares_per_mu <= 0 or not 0 <= buyback_cap_percent <= 100:
        raise rules.ShareRuleError(N_("每亩折股数须大于零，回购上限须在 0 到 100 之间。"))
    settings = settings_of(org, lock=True)
    before = {"shares_per_mu": str(settings.shares_per_mu), "decimals": settings.decimals,
              "rounding": settings.rounding, "cap": str(settings.buyback_cap_percent)}
    settings.shares_per_mu, settings.decimals = shares_per_mu, decimals
    settings.rounding, settings.buyback_cap_percent = rounding, buyback_cap_percent
    db.session.flush()
    record("share.settings", org, by=by, before=before,
           after={"shares_per_mu": str(shares_per_mu), "decimals": decimals,
                  "rounding": rounding, "cap": str(buyback_cap_percent)})
    return settings


def update_class(share_class: ShareClass, *, unit_value: Decimal, by: User | None) -> ShareClass:
    """Set the value of one share (used to book capital movements)."""
    if unit_value < 0:
        raise rules.ShareRuleError(N_("每股金额不能为负数。"))
    before = {"unit_value": str(share_class.unit_value)}
    share_class.unit_value = unit_value
    db.session.flush()
    org = db.session.get(Organisation, share_class.organisation_id)
    record("share.class", org, by=by, label=share_class.name, before=before,
           after={"unit_value": str(unit_value)})
    return share_class
