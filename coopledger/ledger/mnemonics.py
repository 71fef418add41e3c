"""助记码: the short code an accountant types to find an account — the first letters of the
pinyin of its name (库存现金 → kcxj, 银行存款 → yhck), digits kept (0001-张三 → 0001zs), as the
county's 村账 software offers it (issue 19, "the voucher grid"). Generated with pypinyin (its
phrase dictionary reads polyphones in context: 长期借款 → cqjk), stored per account and
editable on the chart page. Pure: text in, text out.

pypinyin is imported when a 助记码 is first generated, not with the app: its dictionaries
take about 55 MB, a quarter of a web worker's memory budget (issue 23: ≤ 200 MB), and a worker
that only posts vouchers and reads reports never needs them."""

from __future__ import annotations

import re

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_

LONGEST = 16
_KEPT = re.compile(r"[a-z0-9]")


class MnemonicError(CoopLedgerError):
    """A 助记码 typed by a user that cannot be one."""

    message = N_("助记码只能由字母和数字组成。")


def mnemonic_of(name: str) -> str:
    """The generated 助记码 of an account name (lower-case letters and digits, ≤ 16)."""
    from pypinyin import Style, lazy_pinyin

    letters = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower()
    return "".join(_KEPT.findall(letters))[:LONGEST]


def clean_mnemonic(text: str, *, name: str) -> str:
    """A 助记码 as typed (spaces dropped, lower-cased); empty gives the generated one back."""
    typed = re.sub(r"\s+", "", text).lower()
    if not typed:
        return mnemonic_of(name)
    if len(typed) > LONGEST or not all(_KEPT.fullmatch(char) for char in typed):
        raise MnemonicError(N_("助记码只能由字母和数字组成，最多 %(n)d 位。"), n=LONGEST)
    return typed
