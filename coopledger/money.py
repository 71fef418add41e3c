"""Money: parsing, fen conversion, rounding, allocation and Chinese uppercase amounts.

DESIGN §4: amounts are ``Decimal`` built from strings and stored as integer fen; input with
more than two decimals, NaN or Infinity is refused with a sentence, never rounded silently;
rounding is ROUND_HALF_UP and happens here only; pools are split by the largest-remainder
method (ties to the lower key) so the parts add up to the pool exactly. Uppercase amounts
follow 《会计基础工作规范》第五十二条.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_

CENT = Decimal("0.01")
ZERO = Decimal("0.00")  # the money zero, to the fen
ROUNDING = ROUND_HALF_UP  # 四舍五入, the rule of Chinese accounting practice
MAX_AMOUNT = Decimal("999999999999.99")
FOUR_PLACES = Decimal("0.0001")  # 亩, share counts and coefficients: four decimals (DESIGN §4)

K = TypeVar("K", bound=Hashable)
# Plain decimal notation only: an optional sign, digits (optionally grouped by commas), an
# optional fraction. "1e5", "NaN", "Infinity" and "0x10" are refused.
_AMOUNT_SHAPE = re.compile(r"^[+-]?(\d{1,3}([,，]\d{3})+|\d+)(\.\d+)?$")


class MoneyInputError(CoopLedgerError):
    """An amount typed or imported by a user that cannot be taken as it is."""

    message = N_("金额格式不正确。")


def parse_money(text: str | Decimal | int) -> Decimal:
    """Read an amount of yuan; refuse more than two decimals, NaN, Infinity and junk.

    Thousands separators (",") and surrounding spaces are accepted; exponents, a negative
    zero and floats are not.
    """
    if isinstance(text, float):
        raise MoneyInputError(N_("金额不能用浮点数表示。"))
    raw = str(text).strip()
    if not raw:
        raise MoneyInputError(N_("请填写金额。"))
    if not _AMOUNT_SHAPE.match(raw):
        raise MoneyInputError(N_("“%(text)s”不是有效的金额。"), text=raw)
    try:
        value = Decimal(raw.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise MoneyInputError(N_("“%(text)s”不是有效的金额。"), text=raw) from None
    if value == 0 and value.is_signed():
        raise MoneyInputError(N_("金额“%(text)s”不能是负零。"), text=raw)
    if value != value.quantize(CENT, rounding=ROUND_FLOOR):
        raise MoneyInputError(N_("金额“%(text)s”最多只能有两位小数（精确到分）。"), text=raw)
    if abs(value) > MAX_AMOUNT:
        raise MoneyInputError(N_("金额“%(text)s”超出允许范围。"), text=raw)
    return value.quantize(CENT)


def plain(value: Decimal, *, grouped: bool = False) -> str:
    """An exact quantity without exponent or trailing zeros: 20.00 → "20", 3.4100 → "3.41",
    6000 → "6000" (or "6,000" when ``grouped``). ``Decimal.normalize()`` alone gives "2E+1"."""
    normal = value.normalize()
    if normal == 0:
        return "0"
    return f"{normal:,f}" if grouped else f"{normal:f}"


def figure(value: Decimal) -> str:
    """An amount as stored and exported: two decimals, no separators (12345.60)."""
    return f"{value:.2f}"


def grouped(value: Decimal) -> str:
    """An amount as people read it: thousands separators and two decimals (12,345.60). The one
    formatting of money in messages; templates use the ``money`` filter, which calls it."""
    return f"{value:,.2f}"


def round_money(value: Decimal) -> Decimal:
    """Round a computed amount to the fen, half up. The only rounding of money."""
    return value.quantize(CENT, rounding=ROUNDING)


WAN = Decimal(10000)


def to_wan(value: Decimal) -> Decimal:
    """Yuan to 万元 with two decimals, half up: the unit of the statistical returns (农经统计
    年报). Rounded once, where a figure is reported, never before it is summed."""
    return (value / WAN).quantize(CENT, rounding=ROUNDING)


def to_fen(value: Decimal) -> int:
    """Yuan to integer fen; refuses amounts that are not whole fen."""
    if not isinstance(value, Decimal) or not value.is_finite():
        msg = f"money must be a finite Decimal, got {value!r}"
        raise TypeError(msg)
    fen = value * 100
    if fen != fen.to_integral_value():
        raise MoneyInputError(N_("金额“%(text)s”最多只能有两位小数（精确到分）。"), text=str(value))
    return int(fen)


def from_fen(fen: int) -> Decimal:
    """Integer fen to yuan with two decimals."""
    return (Decimal(fen) / 100).quantize(CENT)


def allocate(pool: Decimal, weights: Mapping[K, Decimal], *, order: Mapping[K, int] | None = None,
             ) -> dict[K, Decimal]:
    """Split ``pool`` in proportion to ``weights`` by the largest-remainder method.

    Every part is the exact share rounded down to the fen; the fen left over go one each to
    the largest remainders, ties broken by ``order`` (e.g. member number), then by key order
    as given. The parts add up to ``pool`` exactly. Weights must be ≥ 0 with a positive sum.
    """
    pool_fen = to_fen(pool)
    if pool_fen < 0:
        msg = "pool must not be negative"
        raise ValueError(msg)
    total = sum(weights.values(), Decimal(0))
    if any(w < 0 for w in weights.values()) or total <= 0:
        msg = "weights must be non-negative with a positive sum"
        raise ValueError(msg)
    keys = list(weights)
    rank = order if order is not None else {k: i for i, k in enumerate(keys)}
    exact = {k: Decimal(pool_fen) * weights[k] / total for k in keys}
    base = {k: int(exact[k].to_integral_value(rounding=ROUND_FLOOR)) for k in keys}
    left = pool_fen - sum(base.values())
    by_remainder = sorted(keys, key=lambda k: (-(exact[k] - base[k]), rank[k]))
    for k in by_remainder[:left]:
        base[k] += 1
    return {k: from_fen(base[k]) for k in keys}


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿", "万亿")


def amount_in_words(value: Decimal) -> str:
    """The Chinese uppercase form of an amount (大写金额), e.g. 壹佰零壹元伍角整.

    Negative amounts are prefixed with 负. The caller adds 人民币 where the form needs it.
    """
    fen = to_fen(value)
    sign = "负" if fen < 0 else ""
    fen = abs(fen)
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    if fen == 0:
        return "零元整"
    words = _integer_words(yuan) + "元" if yuan else ""
    if jiao == 0 and cents == 0:
        return sign + words + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if cents:
        words += _DIGITS[cents] + "分"
    else:
        words += "整"
    return sign + words


def _integer_words(number: int) -> str:
    groups: list[int] = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    out = ""
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or group < 1000):
            out += "零"
        out += _group_words(group) + _GROUP_UNITS[index]
        need_zero = False
    return out


def _group_words(group: int) -> str:
    out = ""
    zero = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _SMALL_UNITS[position]
    return out
