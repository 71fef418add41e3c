"""The demo asset register, built month by month inside the sample books (called from the
sample loader): the cards taken over at the opening, purchases from the bank, work units, the
month's depreciation, disposals and the yearly stock-take, so that every voucher is posted
before its month closes and the register agrees with the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.assets import cards, depreciation, disposals, stocktake
from coopledger.assets.models import AssetCard, Category, DisposalKind
from coopledger.assets.resource_models import CountResult, Resource
from coopledger.assets.rules import Method
from coopledger.auth.models import User
from coopledger.extensions import db
from coopledger.files.stores import Store
from coopledger.ledger import rules, vouchers
from coopledger.ledger.models import Account, Voucher, VoucherKind, VoucherLine
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.money import ZERO
from coopledger.orgs.models import Organisation


def _in(text: str, year: int, month: int) -> bool:
    day = dt.date.fromisoformat(text if len(text) > 7 else f"{text}-01")
    return (day.year, day.month) == (year, month)


def _card(org: Organisation, number: str) -> AssetCard:
    return db.session.scalars(sa.select(AssetCard).where(
        AssetCard.organisation_id == org.id, AssetCard.number == number)).one()


def _data(row: dict[str, Any], acquired_on: dt.date, voucher_id: int) -> cards.CardData:
    method = Method(row.get("method", Method.STRAIGHT_LINE.value))
    return cards.CardData(
        number=row["number"], name=row["name"], category=Category(row["category"]),
        location=row.get("location", ""), acquired_on=acquired_on,
        original=Decimal(row["original"]), residual_percent=Decimal(row["residual_percent"]),
        life_months=int(row["life_months"]), method=method,
        total_units=Decimal(row["total_units"]) if "total_units" in row else None,
        expense_code=row["expense"], purchase_voucher_id=voucher_id)


def month_end(org: Organisation, world: dict[str, Any], year: int, month: int, *, by: User,
              storage: Store, today: dt.date) -> list[Voucher]:
    """Do the register's work of the month; returns the vouchers drafted, to be posted."""
    rows = [r for r in world.get("full_assets", []) if r["org"] == org.code]
    if not rows:
        return []
    made: list[Voucher] = []
    opening = db.session.scalars(sa.select(Voucher).where(
        Voucher.organisation_id == org.id, Voucher.kind == VoucherKind.OPENING)).one()
    if (year, month) == (opening.on.year, opening.on.month):   # the books' first month
        for row in rows:
            if row.get("taken_over_on"):
                cards.create_card(org, _data(row, dt.date.fromisoformat(row["taken_over_on"]),
                                             opening.id), by=by, today=today)
    for row in rows:
        if "bought_on" in row and _in(row["bought_on"], year, month):
            on = dt.date.fromisoformat(row["bought_on"])
            summary = f"购置{row['name']}"
            amount = Decimal(row["original"])
            voucher = vouchers.save_voucher(org, voucher=None, on=on, attachment_count=1, by=by,
                                            lines=[rules.Line(summary, "151", amount, ZERO),
                                                   rules.Line(summary, row["paid_from"], ZERO,
                                                              amount)], today=today)
            made.append(voucher)
            card = cards.create_card(org, _data(row, on, voucher.id), by=by, today=today)
            if row.get("photo"):
                cards.add_photo(card, content=PLACEHOLDER_PNG, filename=f"{card.number}.png",
                                storage=storage, by=by)
    _register_ledger_purchases(org, year, month, by=by, today=today)
    for row in world.get("full_asset_usage", []):
        if row["org"] == org.code and _in(row["month"], year, month):
            cards.record_usage(_card(org, row["number"]), year=year, month=month,
                               units=Decimal(row["units"]), by=by)
    run = depreciation.draft_run(org, year, month, by=by, today=today)
    if run.voucher is not None:
        made.append(run.voucher)
    for row in world.get("full_asset_disposals", []):
        if row["org"] == org.code and _in(row["on"], year, month):
            disposal = disposals.dispose(
                _card(org, row["number"]), kind=DisposalKind(row["kind"]),
                on=dt.date.fromisoformat(row["on"]), proceeds=Decimal(row.get("proceeds", "0")),
                costs=Decimal(row.get("costs", "0")), cash_code=row.get("account"),
                reason=row["reason"], by=by, today=today)
            made += [v for v in (disposal.transfer_voucher, disposal.settle_voucher) if v]
    for row in world.get("full_stock_takes", []):
        if row["org"] == org.code and _in(row["approved_on"], year, month):
            made += _stock_take(org, row, by=by, today=today)
    return made


def _register_ledger_purchases(org: Organisation, year: int, month: int, *,
                               by: User, today: dt.date) -> None:
    """Cards for the machinery the demo books buy each May (a voucher on 固定资产 typed in the
    voucher editor), as the accountant registers them."""
    bought = db.session.scalars(sa.select(Voucher).join(VoucherLine).join(Account).where(
        Voucher.organisation_id == org.id, Voucher.year == year, Voucher.month == month,
        Account.code == "151", VoucherLine.debit > ZERO)).unique().all()
    known = set(db.session.scalars(sa.select(AssetCard.purchase_voucher_id).where(
        AssetCard.organisation_id == org.id)))
    for voucher in bought:
        if voucher.id in known:
            continue
        amount = sum((ln.debit for ln in voucher.lines if ln.account.code == "151"), ZERO)
        cards.create_card(org, cards.CardData(
            number=f"JJ-NJ-{year}", name=f"{voucher.summary[2:]}（{year}年）",
            category=Category.MACHINERY, location="农机棚", acquired_on=voucher.on,
            original=amount, residual_percent=Decimal(5), life_months=96, expense_code="511",
            purchase_voucher_id=voucher.id), by=by, today=today)


def _stock_take(org: Organisation, row: dict[str, Any], *, by: User,
                today: dt.date) -> list[Voucher]:
    counted = stocktake.start(org, year=int(row["year"]),
                              counted_on=dt.date.fromisoformat(row["counted_on"]), by=by,
                              today=today)
    results = {r["number"]: r for r in row.get("results", [])}
    for item in counted.items:
        subject: AssetCard | Resource | None = item.card or item.resource
        assert subject is not None
        found = results.get(subject.number, {})
        area = found.get("area")
        stocktake.record_count(item, result=CountResult(found.get("result", "found")),
                               counted_area=Decimal(area) if area else None,
                               note=found.get("note", ""), by=by)
    stocktake.approve(counted, approval_ref=row["approval_ref"],
                      approved_on=dt.date.fromisoformat(row["approved_on"]), by=by, today=today)
    return [v for v in (counted.loss_voucher, counted.writeoff_voucher) if v is not None]
