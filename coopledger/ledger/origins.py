"""Where a voucher came from, when another domain drafted it (a contract receipt, a
distribution): the link back from the voucher page, and the rule that such a voucher is changed
only through the record that made it, so the two never disagree.

Domains register a finder at start-up; the ledger never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coopledger.auth.permissions import Action
    from coopledger.ledger.models import Voucher


@dataclass(frozen=True)
class Origin:
    """The record behind a voucher: an untranslated label with its arguments, and its page,
    which users allowed ``action`` on the organisation may open."""

    label: str
    args: dict[str, str]
    endpoint: str
    action: Action
    values: dict[str, object] = field(default_factory=dict)


Finder = Callable[["Voucher"], "Origin | None"]
_FINDERS: list[Finder] = []


def register(finder: Finder) -> None:
    """Add a finder (idempotent, so app factories may run it more than once)."""
    if finder not in _FINDERS:
        _FINDERS.append(finder)


def origin_of(voucher: Voucher) -> Origin | None:
    """The record that drafted ``voucher``, if any."""
    for finder in _FINDERS:
        found = finder(voucher)
        if found is not None:
            return found
    return None
