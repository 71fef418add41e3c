"""The collective land and water a contract uses. The resource register (assets) owns the
link between resources and contracts and registers the reader here at start-up (the app
factory), so contracts, below assets, never imports it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coopledger.contracts.models import Contract

READERS: list[Callable[[Contract], list[Any]]] = []


def resources_of(contract: Contract) -> list[Any]:
    """The registered resources the contract covers (each with ``area_mu``, ``number``,
    ``name``, ``kind`` and ``size``), in the register's order."""
    return [found for reader in READERS for found in reader(contract)]
