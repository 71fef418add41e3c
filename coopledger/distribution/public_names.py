"""Whether an organisation shows members' full names on public pages: a setting of its
disclosures (民主理财 may decide to post names unmasked), read through a reader the app
factory registers, so the distribution domain does not import the disclosure domain above it.
The public roster masks names unless a reader says the organisation shows them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coopledger.orgs.models import Organisation

READERS: list[Callable[[Organisation], bool]] = []


def shows_names(org: Organisation) -> bool:
    """Whether the public copy of ``org``'s roster carries full names."""
    return any(reader(org) for reader in READERS)
