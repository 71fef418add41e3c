"""Which steps a user may take now on a contract and on a recorded receipt or payment: the
rules' tables (``rules.contract_steps``, ``rules.payment_steps``) applied to the stored
record and the user's roles. Read by the services that refuse a step, by the contract page
that shows its buttons and by the tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopledger.auth.permissions import permitted
from coopledger.contracts import rules

if TYPE_CHECKING:
    from coopledger.auth.models import User
    from coopledger.contracts.models import Contract
    from coopledger.contracts.money_models import ContractPayment
    from coopledger.workflow import Steps


def steps_for(contract: Contract, user: User | None) -> Steps:
    """The steps ``user`` may take on ``contract`` now; None is the system (the sample)."""
    org = contract.organisation
    return rules.contract_steps(state=contract.status.value, kind=contract.kind.value,
                                may=permitted(user, org))


def payment_steps_for(payment: ContractPayment, user: User | None) -> Steps:
    """Whether ``user`` may withdraw ``payment`` (and its voucher draft) now."""
    org = payment.contract.organisation
    voucher = payment.voucher
    return rules.payment_steps(
        voucher=(voucher.label, voucher.state.value, voucher.state.label) if voucher else None,
        released=any(d.voucher_id is not None for d in payment.deferrals),
        may=permitted(user, org))
