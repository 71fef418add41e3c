"""Imports every domain's tables so that the metadata (and Alembic) sees the whole schema."""

from __future__ import annotations

from coopledger.assets import models as assets_models
from coopledger.assets import resource_models as asset_resource_models
from coopledger.audit import models as audit_models
from coopledger.auth import models as auth_models
from coopledger.banking import models as banking_models
from coopledger.contracts import models as contracts_models
from coopledger.contracts import money_models as contract_money_models
from coopledger.disclosure import models as disclosure_models
from coopledger.distribution import models as distribution_models
from coopledger.files import stores as files_stores
from coopledger.filings import models as filings_models
from coopledger.jobs import models as jobs_models
from coopledger.ledger import models as ledger_models
from coopledger.members import models as members_models
from coopledger.orgs import models as orgs_models
from coopledger.shares import models as shares_models
from coopledger.spending import models as spending_models
from coopledger.supervision import models as supervision_models

__all__ = ["asset_resource_models", "assets_models", "audit_models", "auth_models",
           "banking_models",
           "contract_money_models", "contracts_models", "disclosure_models",
           "distribution_models", "files_stores", "filings_models", "jobs_models",
           "ledger_models", "members_models",
           "orgs_models", "shares_models", "spending_models", "supervision_models"]
