"""Which steps of a workflow a user may take now: one rule per workflow (issue 22), read by the
service that refuses a step, the template that shows its buttons and the permission matrix
that tests who may reach it.

A workflow is a table of :class:`Step` (the permission each step needs and the states it
starts from) and a pure function in its domain's rules (``ledger.rules.voucher_steps`` …)
that adds what else decides it (who did an earlier step, a confirmation still missing). The
function answers with :class:`Steps`: for every step, ``None`` when the user may take it, or
the sentence that says why not — the sentence the service refuses with.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coopledger.auth.actions import Action
from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_

NOT_PERMITTED = N_("您没有执行这一步的权限。")


@dataclass(frozen=True)
class Step:
    """One step of a workflow: the permission it needs and the states it may start from."""

    action: Action
    sources: frozenset[str]


@dataclass(frozen=True)
class Reason:
    """Why a step may not be taken now: a sentence (translated when shown) and its values."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Steps:
    """Every step of a workflow with why the user may not take it now (None: may)."""

    why_not: Mapping[str, Reason | None]

    def __contains__(self, step: object) -> bool:
        return isinstance(step, str) and step in self.why_not and self.why_not[step] is None

    @property
    def allowed(self) -> frozenset[str]:
        """The steps the user may take now."""
        return frozenset(name for name, reason in self.why_not.items() if reason is None)

    def require(self, step: str, error: type[CoopLedgerError]) -> None:
        """Raise ``error`` with the reason when ``step`` may not be taken now."""
        reason = self.why_not.get(step, Reason(NOT_PERMITTED))
        if reason is not None:
            raise error(reason.message, **reason.params)


def decide(table: Mapping[str, Step], *, state: str, may: Callable[[Action], bool],
           state_reason: Callable[[str], Reason],
           conditions: Mapping[str, Reason | None]) -> Steps:
    """The answer for every step of ``table``: first whether the record's ``state`` is one the
    step starts from (``state_reason`` of the step otherwise), then the step's own condition
    (``conditions``: its reason, or None when it holds), last the user's permission."""
    why_not: dict[str, Reason | None] = {}
    for name, step in table.items():
        if state not in step.sources:
            why_not[name] = state_reason(name)
        elif conditions.get(name) is not None:
            why_not[name] = conditions[name]
        elif not may(step.action):
            why_not[name] = Reason(NOT_PERMITTED)
        else:
            why_not[name] = None
    return Steps(why_not)


def withdraw_table(action: Action) -> dict[str, Step]:
    """The workflow of a record that drafted vouchers (a depreciation run, a disposal, a
    contract payment, a 保底 payment): one step, ``withdraw`` (the record and its drafts are
    deleted), taken with ``action``, the permission of the page that drafted them, while
    every voucher is still a draft."""
    return {"withdraw": Step(action, frozenset({"draft"}))}


def withdraw_steps(table: Mapping[str, Step], *, drafts: Sequence[tuple[str, str, str]],
                   may: Callable[[Action], bool], refused: str,
                   condition: Reason | None = None) -> Steps:
    """Whether a record of a :func:`withdraw_table` may be withdrawn now: while every voucher
    it drafted is still a draft (``drafts``: each voucher's label, state and state label);
    otherwise ``refused`` is the sentence, with the first voucher that went on (``label``,
    ``state``). ``condition`` is what else the record's domain requires."""
    booked = next(((label, label_of_state) for label, state, label_of_state in drafts
                   if state != "draft"), None)
    reason = Reason(refused, {"label": booked[0], "state": booked[1]}) if booked else None
    return decide(table, state="booked" if booked else "draft", may=may,
                  state_reason=lambda _step: reason or Reason(refused),
                  conditions={"withdraw": condition})
