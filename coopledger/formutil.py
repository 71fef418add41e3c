"""Helpers shared by the forms: select options built from (value, label) pairs."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Select options for WTForms from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
