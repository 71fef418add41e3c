"""Helpers shared by the forms: select options built from (value, label) pairs, and reading an
uploaded file whole."""

from __future__ import annotations

from collections.abc import Iterable

from werkzeug.datastructures import FileStorage
from wtforms import SelectChoice


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Select options for WTForms from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def read_upload(upload: FileStorage) -> bytes:
    """The whole content of an uploaded file (a werkzeug ``FileStorage``); a large upload is
    spooled to a temporary file, which is closed at once rather than left to the collector."""
    try:
        return bytes(upload.read())
    finally:
        upload.close()
