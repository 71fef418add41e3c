"""助记码 from account names (ledger.mnemonics): pinyin initials with polyphones read in
context, digits kept, punctuation dropped; typed ones cleaned or refused."""

from __future__ import annotations

import pytest

from coopledger.ledger.mnemonics import MnemonicError, clean_mnemonic, mnemonic_of


@pytest.mark.parametrize(("name", "expected"), [
    ("库存现金", "kcxj"), ("银行存款", "yhck"), ("农商行", "nsh"), ("内部往来", "nbwl"),
    ("应付劳务费", "yflwf"), ("长期借款", "cqjk"), ("0001-张三", "0001zs"),
    ("经营收入（租金）", "jysrzj"), ("Office 用品", "officeyp"),
])
def test_initials_of_names(name: str, expected: str) -> None:
    assert mnemonic_of(name) == expected


def test_a_long_name_gives_at_most_sixteen_letters() -> None:
    assert mnemonic_of("农村集体经济组织土地经营权流转收入明细科目名称很长") == "ncjtjjzztdjyqlzs"


def test_typed_mnemonics_are_cleaned_or_refused() -> None:
    assert clean_mnemonic(" YH ck ", name="银行存款") == "yhck"
    assert clean_mnemonic("", name="银行存款") == "yhck"
    for bad in ("yh-ck", "银行", "a" * 17):
        with pytest.raises(MnemonicError, match="助记码只能由字母和数字组成"):
            clean_mnemonic(bad, name="银行存款")
