"""The link from a voucher back to the register record that drafted it (a month's
depreciation, a stock-take, a disposal), registered with ``ledger.origins`` at start-up."""

from __future__ import annotations

import sqlalchemy as sa

from coopledger.assets.models import AssetDisposal, DepreciationRun
from coopledger.assets.resource_models import StockTake
from coopledger.auth.permissions import Action
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger import origins
from coopledger.ledger.models import Voucher


def voucher_origin(voucher: Voucher) -> origins.Origin | None:
    """The depreciation run, stock-take or disposal that drafted ``voucher``."""
    code = voucher.organisation.code
    run = db.session.scalar(sa.select(DepreciationRun).where(
        DepreciationRun.voucher_id == voucher.id))
    if run is not None:
        return origins.Origin(N_("%(year)s年%(month)s月折旧计提"),
                              {"year": str(run.year), "month": str(run.month)},
                              "assets.run", Action.VIEW_ASSETS, {"code": code, "run_id": run.id})
    stock_take = db.session.scalar(sa.select(StockTake).where(sa.or_(
        StockTake.loss_voucher_id == voucher.id, StockTake.writeoff_voucher_id == voucher.id)))
    if stock_take is not None:
        return origins.Origin(N_("%(year)s年资产清查"), {"year": str(stock_take.year)},
                              "assets.stocktake", Action.VIEW_ASSETS,
                              {"code": code, "stock_take_id": stock_take.id})
    disposal = db.session.scalar(sa.select(AssetDisposal).where(sa.or_(
        AssetDisposal.transfer_voucher_id == voucher.id,
        AssetDisposal.settle_voucher_id == voucher.id)))
    if disposal is not None:
        return origins.Origin(N_("资产 %(card)s 的处置"), {"card": str(disposal.card)},
                              "assets.show", Action.VIEW_ASSETS,
                              {"code": code, "card_id": disposal.card_id})
    return None
