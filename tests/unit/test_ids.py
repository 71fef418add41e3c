"""ids.py: resident ID (GB 11643) and unified social credit code (GB 32100) validation."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from coopledger.ids import (
    IdentifierError,
    birth_date_of,
    normalize_credit_code,
    normalize_resident_id,
)

VECTORS = Path(__file__).resolve().parents[1] / "data" / "identifiers.csv"


def _rows(kind: str) -> list[tuple[str, bool, str]]:
    with VECTORS.open(encoding="utf-8") as handle:
        return [(r["value"], r["valid"] == "true", r["note"]) for r in csv.DictReader(handle)
                if r["kind"] == kind]


@pytest.mark.parametrize(("value", "valid", "note"), _rows("resident_id"))
def test_resident_id_vectors(value: str, valid: bool, note: str) -> None:
    if valid:
        assert normalize_resident_id(value) == value.upper()
    else:
        with pytest.raises(IdentifierError):
            normalize_resident_id(value)


@pytest.mark.parametrize(("value", "valid", "note"), _rows("credit_code"))
def test_credit_code_vectors(value: str, valid: bool, note: str) -> None:
    if valid:
        assert normalize_credit_code(value) == value
    else:
        with pytest.raises(IdentifierError) as excinfo:
            normalize_credit_code(value)
        assert "校验位" in str(excinfo.value)


def test_lowercase_x_is_accepted_and_stored_uppercase() -> None:
    assert normalize_resident_id("11010519491231002x") == "11010519491231002X"
    assert birth_date_of("11010519491231002X") == dt.date(1949, 12, 31)


def test_impossible_birth_date_is_named_in_the_message() -> None:
    with pytest.raises(IdentifierError) as excinfo:
        normalize_resident_id("110105194913310021")
    assert "19491331" in str(excinfo.value)


@pytest.mark.parametrize("value", [
    "91350100M000100Y4", "91350100M000100YI3", "9135 0100M000100Y43"])
def test_credit_code_shape_errors(value: str) -> None:
    with pytest.raises(IdentifierError) as excinfo:
        normalize_credit_code(value)
    assert "18位" in str(excinfo.value)
