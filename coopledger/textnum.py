"""Whole numbers and digit strings typed by users or read from URLs (pure, no Flask).

``str.isdigit()`` is true for "²", "①" and Arabic-Indic digits that ``int()`` then refuses or
reads differently, and ids beyond 2³¹ overflow PostgreSQL's ``integer`` columns: both gave 500s.
Here full-width digits (１３８…, typed by Chinese input methods) are normalised to ASCII
(Unicode NFKC), and only ASCII digits count as digits.
"""

from __future__ import annotations

import unicodedata

MAX_ID = 2**31 - 1   # PostgreSQL integer


def ascii_text(text: str) -> str:
    """Full-width letters, digits and punctuation as their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def is_digits(text: str) -> bool:
    """Only ASCII digits 0–9 (and at least one)."""
    return text.isascii() and text.isdigit()


def whole_number(text: str | None, default: int, *, maximum: int = MAX_ID) -> int:
    """``text`` as a whole number from 0 to ``maximum``, else ``default``."""
    text = (text or "").strip()
    if not is_digits(text) or len(text) > 12:
        return default
    value = int(text)
    return value if value <= maximum else default
