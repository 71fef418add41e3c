"""Validators for Chinese identifiers: 居民身份证号码 and 统一社会信用代码.

Resident ID (GB 11643-1999): 17 digits + ISO 7064 MOD 11-2 check character, with a real birth
date; lowercase x is accepted on input and stored uppercase. Unified social credit code
(GB 32100-2015): 18 characters from a 31-symbol alphabet with a MOD 31 check character.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.textnum import ascii_text, is_digits

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class IdentifierError(CoopLedgerError):
    """An identifier that fails its format or checksum."""

    message = N_("证件号码不正确。")


def resident_id_check_char(first17: str) -> str:
    """The check character of a resident ID's first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_resident_id(value: str) -> str:
    """Return the ID in canonical form (uppercase X) or raise :class:`IdentifierError`."""
    text = ascii_text(value).strip().upper()
    if len(text) != 18 or not is_digits(text[:17]) or not (is_digits(text[17]) or text[17] == "X"):
        raise IdentifierError(N_("身份证号码应为18位：17位数字加1位数字或X。"))
    try:
        dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdentifierError(N_("身份证号码中的出生日期“%(date)s”不存在。"),
                              date=text[6:14]) from None
    if resident_id_check_char(text[:17]) != text[17]:
        raise IdentifierError(N_("身份证号码校验位不正确，请核对后重新输入。"))
    return text


def birth_date_of(resident_id: str) -> dt.date:
    """Birth date encoded in a valid resident ID."""
    text = normalize_resident_id(resident_id)
    return dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character of a credit code's first 17 characters."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    """Return the credit code in canonical form (uppercase) or raise :class:`IdentifierError`."""
    text = value.strip().upper()
    if len(text) != 18 or any(c not in CREDIT_ALPHABET for c in text):
        raise IdentifierError(
            N_("统一社会信用代码应为18位，只含数字和大写字母（不含I、O、S、V、Z）。"))
    if credit_code_check_char(text[:17]) != text[17]:
        raise IdentifierError(N_("统一社会信用代码校验位不正确，请核对后重新输入。"))
    return text


def gender_of(resident_id: str) -> str:
    """"M" or "F" from the sequence code's last digit (odd = male)."""
    return "M" if int(normalize_resident_id(resident_id)[16]) % 2 else "F"


def mask_id(value: str) -> str:
    """A resident ID with only the first 6 and last 4 characters shown."""
    return value[:6] + "*" * max(0, len(value) - 10) + value[-4:] if len(value) > 10 else value


def mask_bank(value: str) -> str:
    """A bank account with only the last 4 digits shown."""
    return "*" * max(0, len(value) - 4) + value[-4:] if value else ""


def mask_phone(value: str) -> str:
    """A phone number with only the first 3 and last 4 digits shown."""
    return value[:3] + "*" * max(0, len(value) - 7) + value[-4:] if len(value) > 7 else value


def mask_name(value: str) -> str:
    """A person's name for public pages: the family name, then * for each other character
    (a trailing 户 kept), e.g. 陈大山户 → 陈**户."""
    suffix = "户" if value.endswith("户") and len(value) > 1 else ""
    name = value[:-1] if suffix else value
    return (name[:1] + "*" * max(0, len(name) - 1) + suffix) if name else value


# Personal numbers in free text (issue 16): what may not be published or shown unmasked.
_UNMASKED = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{12,})(?![0-9])")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_DIGIT_GAP = re.compile(r"(?<=[0-9]) (?=[0-9])")     # card numbers written in groups
# mobile 138 1234 5678 / 138-1234-5678, landline 0421-7654321 (hyphens only where phones have
# them: "2025-03-000123" is a voucher link, not a number to mask)
_PHONE = re.compile(r"(?<![0-9-])(?:1[3-9][0-9]-?[0-9]{4}-?[0-9]{4}|0[0-9]{2,3}-?[0-9]{7,8})"
                    r"(?![0-9-])")


def _plain(text: str) -> str:
    """Full-width digits as ASCII, and digits written in groups joined."""
    return _DIGIT_GAP.sub("", text.translate(_FULL_WIDTH))


def unmasked(text: str) -> list[str]:
    """Personal numbers found in public text: 18-digit ID numbers, runs of 12 or more digits
    (bank cards and accounts) and phone numbers (mobile 1xxxxxxxxxx, landline with its area
    code), also when written with full-width digits or split by spaces or hyphens."""
    plain = _plain(text)
    found = _UNMASKED.findall(plain)
    phones = [n.replace("-", "") for n in _PHONE.findall(plain)]
    return found + [n for n in phones if not any(n in f for f in found)]


def masked_numbers(text: str) -> str:
    """``text`` with every personal number (``unmasked``) cut to its first three and last two
    digits (13812345678 → 138******78): for text taken from the books into a publication (a
    voucher's 摘要, a sub-account's name), which cannot be rewritten once posted."""
    found = unmasked(text)
    if not found:
        return text
    plain = _plain(text)
    for number in sorted(found, key=len, reverse=True):
        shown = number[:3] + "*" * (len(number) - 5) + number[-2:]
        plain = re.sub("-?".join(re.escape(c) for c in number), shown, plain)
    return plain


def masked_json(value: Any) -> Any:
    """A JSON value (an audit line's before and after) with every personal number in its
    strings masked (``masked_numbers``), for readers without the right to see them."""
    if isinstance(value, str):
        return masked_numbers(value)
    if isinstance(value, list):
        return [masked_json(v) for v in value]
    if isinstance(value, dict):
        return {k: masked_json(v) for k, v in value.items()}
    return value


def mask_names(text: str, names: Iterable[str]) -> str:
    """``text`` with every occurrence of one of ``names`` (people's names, two characters or
    more) masked as :func:`mask_name` does, the longest names first."""
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        if name in text:
            text = text.replace(name, mask_name(name))
    return text
