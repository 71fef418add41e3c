"""The pure rules of spending approved before it is paid (issue 20): which steps apply to an
amount, what a request must carry, who may take which step."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopledger.auth.actions import Action
from coopledger.auth.roles import Role
from coopledger.spending import rules
from coopledger.spending.rules import ChainRule, Draft, Limits, RequestFacts, SpendingError


@pytest.mark.parametrize(("amount", "roles"), [
    ("0.01", [Role.VILLAGE_HEAD, Role.SUPERVISOR]),
    ("1999.99", [Role.VILLAGE_HEAD, Role.SUPERVISOR]),
    ("2000.00", [Role.VILLAGE_HEAD, Role.SUPERVISOR, Role.TOWNSHIP_AUDITOR]),
    ("9999.99", [Role.VILLAGE_HEAD, Role.SUPERVISOR, Role.TOWNSHIP_AUDITOR]),
    ("10000.00", [Role.VILLAGE_HEAD, Role.SUPERVISOR, Role.TOWNSHIP_AUDITOR,
                  Role.TOWNSHIP_LEADER]),
])
def test_the_steps_that_apply_to_an_amount(amount: str, roles: list[Role]) -> None:
    assert [r.role for r in rules.applicable(rules.DEFAULT_CHAIN, Decimal(amount))] == roles


def _draft(**changes: object) -> Draft:
    values: dict[str, object] = {"amount": Decimal("800.00"), "cash": False, "scans": 1,
                                 "resolution_ref": "", "payee": "石安村农资店",
                                 "purpose": "购买化肥", "payee_account": "6228480012345678"}
    values.update(changes)
    return Draft(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("changes", "sentence"), [
    ({"amount": Decimal("0")}, "申请金额须大于 0。"),
    ({"amount": Decimal("-5.00")}, "申请金额须大于 0。"),
    ({"amount": Decimal("10.005")}, "金额最多两位小数（到分）。"),
    ({"payee": " "}, "请填写收款人。"),
    ({"purpose": ""}, "请填写用途。"),
    ({"cash": True, "amount": Decimal("5000.01")},
     "现金支付不能超过 5,000.00 元（乡镇规定的现金限额）：请改为银行转账。"),
    ({"payee_account": ""}, "银行转账须填写收款人的银行账号。"),
    ({"scans": 0}, "乡镇要求附原始凭证：请上传发票、合同或会议记录的扫描件。"),
    ({"amount": Decimal("50000.00")},
     "50,000.00 元达到 50,000.00 元，须填写成员（代表）大会决议文号。"),
])
def test_a_request_is_refused_with_its_sentence(changes: dict[str, object],
                                                sentence: str) -> None:
    with pytest.raises(SpendingError) as refused:
        rules.check_request(_draft(**changes), Limits())
    assert str(refused.value) == sentence


def test_a_request_within_the_limits_passes() -> None:
    rules.check_request(_draft(cash=True, amount=Decimal("5000.00"), payee_account=""), Limits())
    rules.check_request(_draft(amount=Decimal("50000.00"), resolution_ref="决议〔2025〕3号"),
                        Limits())
    rules.check_request(_draft(scans=0), Limits(scans_required=False))


@pytest.mark.parametrize(("chain", "sentence"), [
    ([], "审批流程至少要有一个环节。"),
    ([ChainRule(Role.VILLAGE_HEAD, Decimal("100"))],
     "第一个审批环节须适用于所有金额（起点金额为 0）。"),
    ([ChainRule(Role.VILLAGE_HEAD), ChainRule(Role.VILLAGE_HEAD, Decimal("5"))],
     "同一角色在审批流程中只能出现一次。"),
    ([ChainRule(Role.CASHIER)], "角色“cashier”不能审批支出。"),
])
def test_a_chain_is_refused_with_its_sentence(chain: list[ChainRule], sentence: str) -> None:
    with pytest.raises(SpendingError) as refused:
        rules.check_chain(chain, Limits())
    assert str(refused.value) == sentence


def _steps(**changes: object) -> rules.Steps:
    values: dict[str, object] = {
        "state": "submitted", "filer_id": 1, "user_id": 2, "waiting_role": Role.VILLAGE_HEAD,
        "deciders": frozenset(), "user_roles": frozenset({Role.VILLAGE_HEAD})}
    values.update(changes)
    return rules.request_steps(RequestFacts(**values),  # type: ignore[arg-type]
                               lambda action: True, lambda role: role.value)


def _why(steps: rules.Steps, step: str) -> str:
    reason = steps.why_not[step]
    assert reason is not None
    return str(reason.message % dict(reason.params) if reason.params else reason.message)


def test_who_may_take_a_step() -> None:
    assert _steps().allowed == {"approve", "refuse"}
    assert _why(_steps(user_id=1), "approve") == "申请人不能审批自己的申请。"
    assert _why(_steps(deciders=frozenset({2})), "approve") == "同一人不能审批同一申请的两个环节。"
    assert _why(_steps(user_roles=frozenset({Role.SUPERVISOR})), "refuse") == \
        "这一环节由village_head审批。"
    assert _steps(state="draft", user_id=1).allowed == {"edit", "submit", "delete"}
    assert _why(_steps(state="draft"), "submit") == "只有申请人本人可以修改、提交或删除这份申请。"
    assert _steps(state="returned", user_id=1).allowed == {"edit", "submit"}
    assert _steps(state="approved").allowed == {"pay"}
    assert _steps(state="paid").allowed == {"unpay"}
    assert _why(_steps(state="paid", voucher_is_draft=False), "unpay") == \
        "支付凭证已经审核或记账，不能撤回支付：请用红字冲销更正。"
    assert _why(_steps(state="approved"), "approve") == "这份申请不在审批中。"
    refused = rules.request_steps(RequestFacts(
        state="approved", filer_id=1, user_id=2, waiting_role=None, deciders=frozenset(),
        user_roles=frozenset()), lambda action: action is not Action.PAY_SPENDING, str)
    assert refused.allowed == frozenset()
