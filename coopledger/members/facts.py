"""What other domains tell about a household on the household pages (the staff's household
page and the member's 我家): its shares (shares), the leases over its parcels (contracts), its
income per year and its distribution lines (distribution). The providers are registered by
the app factory, so members imports none of the domains above it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Providers:
    """One reader per fact; each is set by the app factory before a page asks."""

    shares: Callable[[int, dt.date], Any] | None = None
    leases: Callable[[list[int]], Any] | None = None
    income: Callable[[Any, list[int]], Any] | None = None
    distributions: Callable[[list[int]], Any] | None = None


PROVIDERS = Providers()


def _need(provider: Callable[..., Any] | None, name: str) -> Callable[..., Any]:
    if provider is None:
        msg = f"no provider of household {name} is registered (coopledger.create_app does it)"
        raise RuntimeError(msg)
    return provider


def shares(household_id: int, on: dt.date) -> Any:
    """The household's holdings on ``on`` (shares.queries.household_shares)."""
    return _need(PROVIDERS.shares, "shares")(household_id, on)


def leases(parcel_ids: list[int]) -> Any:
    """The contracts over these parcels (contracts.queries.leases_of_parcels)."""
    return _need(PROVIDERS.leases, "leases")(parcel_ids)


def income(household: Any, org_ids: list[int]) -> Any:
    """The household's income per year (distribution.queries.household_income)."""
    return _need(PROVIDERS.income, "income")(household, org_ids)


def distributions(household_ids: list[int]) -> Any:
    """The households' lines in approved plans (distribution.queries.member_lines)."""
    return _need(PROVIDERS.distributions, "distributions")(household_ids)
