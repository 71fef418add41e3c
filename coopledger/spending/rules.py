"""Pure rules of spending approved before it is paid: which steps of a township's approval
chain apply to an amount, what a request must carry, and which steps of a request a user may
take now.

The chain is the township's, by amount — the practice of the county platforms a township
compares with (``../shared/reference/county-platforms.md``: 淄博's 农经综合平台 passes a
支出申请单 through 村主要负责人 → 村监督委员会 → 镇农村财务委托代理中心 → 镇包村领导 and, above
1 万元, 镇长; 高密 pays only after the last approval). The defaults below are that practice
with round thresholds; a township sets its own. No one approves a request they filed and no
one takes two steps of one round (不相容职务分离, 会计基础工作规范 §12 and the 内部控制 of
农村集体经济组织会计制度). Cash payments are limited to the township's 现金限额 (村级财务
日清月结, 5,000 元 common), and from a threshold a 成员(代表)大会 resolution is required
(四议两公开 for major matters).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from coopledger.auth.actions import Action
from coopledger.auth.roles import Role
from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.money import ZERO, grouped
from coopledger.workflow import Reason, Step, Steps, decide


class SpendingError(CoopLedgerError):
    """A spending request, step or setting that is refused."""

    message = N_("无法处理该支出申请。")


@dataclass(frozen=True)
class ChainRule:
    """A step of the chain: who approves and from which amount (inclusive) it applies."""

    role: Role
    from_amount: Decimal = ZERO


CHAIN_ROLES = (Role.VILLAGE_HEAD, Role.SUPERVISOR, Role.TOWNSHIP_AUDITOR, Role.TOWNSHIP_LEADER)
"""The roles a chain step may name: the village's 主要负责人 and 监督委员会 (民主理财小组/监事会),
the township's 农村财务委托代理中心 (its auditor) and its 分管领导."""

DEFAULT_CHAIN = (ChainRule(Role.VILLAGE_HEAD), ChainRule(Role.SUPERVISOR),
                 ChainRule(Role.TOWNSHIP_AUDITOR, Decimal("2000.00")),
                 ChainRule(Role.TOWNSHIP_LEADER, Decimal("10000.00")))


@dataclass(frozen=True)
class Limits:
    """A township's limits on its organisations' spending."""

    cash_limit: Decimal = Decimal("5000.00")
    resolution_from: Decimal = Decimal("50000.00")
    scans_required: bool = True
    requests_from: dt.date | None = None
    """The day from which payments without an approved request are warned of (无审批支出)."""


def applicable(chain: Sequence[ChainRule], amount: Decimal) -> list[ChainRule]:
    """The chain's steps that apply to ``amount``, in order."""
    return [rule for rule in chain if amount >= rule.from_amount]


def check_chain(chain: Sequence[ChainRule], limits: Limits) -> None:
    """A township's chain and limits as it saves them: at least one step that always
    applies, each role once, no negative amount."""
    if not chain:
        raise SpendingError(N_("审批流程至少要有一个环节。"))
    if chain[0].from_amount != 0:
        raise SpendingError(N_("第一个审批环节须适用于所有金额（起点金额为 0）。"))
    seen: set[Role] = set()
    for rule in chain:
        if rule.role not in CHAIN_ROLES:
            raise SpendingError(N_("角色“%(role)s”不能审批支出。"), role=rule.role.value)
        if rule.role in seen:
            raise SpendingError(N_("同一角色在审批流程中只能出现一次。"))
        if rule.from_amount < 0:
            raise SpendingError(N_("起点金额不能为负数。"))
        seen.add(rule.role)
    if limits.cash_limit < 0 or limits.resolution_from <= 0:
        raise SpendingError(N_("现金限额不能为负数，须经会议决议的金额须大于 0。"))


@dataclass(frozen=True)
class Draft:
    """What a request carries, as it is saved or submitted."""

    amount: Decimal
    cash: bool
    scans: int
    resolution_ref: str
    payee: str
    purpose: str
    payee_account: str


def check_request(draft: Draft, limits: Limits) -> None:
    """A request's content against the township's limits; the first problem is refused with
    its sentence (nothing is saved)."""
    if draft.amount <= 0:
        raise SpendingError(N_("申请金额须大于 0。"))
    if draft.amount != draft.amount.quantize(Decimal("0.01")):
        raise SpendingError(N_("金额最多两位小数（到分）。"))
    if not draft.payee.strip():
        raise SpendingError(N_("请填写收款人。"))
    if not draft.purpose.strip():
        raise SpendingError(N_("请填写用途。"))
    if draft.cash and draft.amount > limits.cash_limit:
        raise SpendingError(
            N_("现金支付不能超过 %(limit)s 元（乡镇规定的现金限额）：请改为银行转账。"),
            limit=grouped(limits.cash_limit))
    if not draft.cash and not draft.payee_account.strip():
        raise SpendingError(N_("银行转账须填写收款人的银行账号。"))
    if limits.scans_required and draft.scans == 0:
        raise SpendingError(N_("乡镇要求附原始凭证：请上传发票、合同或会议记录的扫描件。"))
    if draft.amount >= limits.resolution_from and not draft.resolution_ref.strip():
        raise SpendingError(
            N_("%(amount)s 元达到 %(threshold)s 元，须填写成员（代表）大会决议文号。"),
            amount=grouped(draft.amount), threshold=grouped(limits.resolution_from))


REQUEST_STEPS: dict[str, Step] = {
    "edit": Step(Action.FILE_SPENDING, frozenset({"draft", "returned"})),
    "submit": Step(Action.FILE_SPENDING, frozenset({"draft", "returned"})),
    "delete": Step(Action.FILE_SPENDING, frozenset({"draft"})),
    "approve": Step(Action.APPROVE_SPENDING, frozenset({"submitted"})),
    "refuse": Step(Action.APPROVE_SPENDING, frozenset({"submitted"})),
    "pay": Step(Action.PAY_SPENDING, frozenset({"approved"})),
    "unpay": Step(Action.PAY_SPENDING, frozenset({"paid"})),
}
"""The workflow of a request: the author edits, submits (again after a refusal) or deletes a
draft; each step's approver approves or refuses; the cashier pays, and while the drafted
voucher is still a draft may take the payment back."""

_STATE_REASONS = {
    "edit": N_("只有草稿或被退回的申请可以修改。"),
    "submit": N_("只有草稿或被退回的申请可以提交。"),
    "delete": N_("只有草稿可以删除。"),
    "approve": N_("这份申请不在审批中。"),
    "refuse": N_("这份申请不在审批中。"),
    "pay": N_("只有已批准的申请可以支付。"),
    "unpay": N_("这份申请还没有支付。"),
}


@dataclass(frozen=True)
class RequestFacts:
    """What decides a request's steps besides the permission: its state, who filed it, the
    role of the step waiting now, who decided the round's earlier steps, the roles the user
    holds for the organisation, and whether the payment's voucher is still a draft."""

    state: str
    filer_id: int
    user_id: int | None
    waiting_role: Role | None
    deciders: frozenset[int]
    user_roles: frozenset[Role]
    voucher_is_draft: bool = True


def request_steps(facts: RequestFacts, may: Callable[[Action], bool],
                  role_label: Callable[[Role], str]) -> Steps:
    """The steps of a request the user may take now (the service, the page and the matrix
    read this one answer)."""
    own = facts.user_id is not None and facts.user_id == facts.filer_id
    author_only = None if own or facts.user_id is None else Reason(
        N_("只有申请人本人可以修改、提交或删除这份申请。"))
    approval: Reason | None = None
    if own:
        approval = Reason(N_("申请人不能审批自己的申请。"))
    elif facts.user_id is not None and facts.user_id in facts.deciders:
        approval = Reason(N_("同一人不能审批同一申请的两个环节。"))
    elif facts.waiting_role is not None and facts.user_id is not None \
            and facts.waiting_role not in facts.user_roles:
        approval = Reason(N_("这一环节由%(role)s审批。"),
                          {"role": role_label(facts.waiting_role)})
    unpay = None if facts.voucher_is_draft else Reason(
        N_("支付凭证已经审核或记账，不能撤回支付：请用红字冲销更正。"))
    return decide(REQUEST_STEPS, state=facts.state, may=may,
                  state_reason=lambda step: Reason(_STATE_REASONS[step]),
                  conditions={"edit": author_only, "submit": author_only,
                              "delete": author_only, "approve": approval, "refuse": approval,
                              "unpay": unpay})


def payment_summary(payee: str, purpose: str) -> str:
    """The 摘要 of the voucher a payment drafts (at most 200 characters)."""
    return f"支付{payee.strip()}{purpose.strip()}"[:200]


BATCH_STEPS = {"result": Step(Action.PAY_SPENDING, frozenset({"open"})),
               "answer": Step(Action.PAY_SPENDING, frozenset({"pending"}))}
"""A payment batch takes the bank's result while some item waits for it (``state``: the
batch's), and an item is answered by hand while it waits (``state``: the item's)."""


def batch_steps(*, state: str, may: Callable[[Action], bool]) -> Steps:
    """Whether the cashier may import a batch's result (the batch's state) or answer one of
    its items by hand (the item's state) now."""
    return decide(BATCH_STEPS, state=state, may=may,
                  state_reason=lambda step: Reason(
                      N_("这批付款的每一笔银行都已处理完毕，结果不必再导入。") if step == "result"
                      else N_("这笔付款已经处理过了。")),
                  conditions={})
