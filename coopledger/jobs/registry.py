"""Which job kinds exist and the function that does each one's work.

A handler receives the job's parameters, a progress callback and the folder to write its result
into, and returns the path of the file it produced (or None). The app factory registers every
kind by name (:func:`register`, called from ``coopledger.wiring``), not the kind's module when
it happens to be imported. A handler's work is one database transaction, so a worker that dies half
way leaves nothing saved; a kind is ``retry_safe`` when running it again after such an
interruption does what the user asked once (every kind so far: reads, or one transaction that
re-checks its state after its lock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Progress = Callable[[int, str], None]
Handler = Callable[[dict[str, Any], Progress, Path], Path | None]


@dataclass(frozen=True)
class JobKind:
    """A kind of background job."""

    name: str
    handler: Handler
    retry_safe: bool = True


_KINDS: dict[str, JobKind] = {}


def register(name: str, handler: Handler, *, retry_safe: bool = True) -> None:
    """Register ``handler`` as the work of jobs of kind ``name`` (idempotent)."""
    _KINDS[name] = JobKind(name, handler, retry_safe)


def get_kind(name: str) -> JobKind:
    """The registered kind called ``name``."""
    return _KINDS[name]


def kind_or_none(name: str) -> JobKind | None:
    """The registered kind called ``name``, or None (a kind removed since the job was queued)."""
    return _KINDS.get(name)
