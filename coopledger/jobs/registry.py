"""Which job kinds exist and the function that does each one's work.

A handler receives the job's parameters and a progress callback, and returns the path of the
file it produced (or None). Packages register their handlers with :func:`job_kind`.
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


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` as the work of jobs of kind ``name``."""

    def register(handler: Handler) -> Handler:
        _KINDS[name] = JobKind(name, handler)
        return handler

    return register


def get_kind(name: str) -> JobKind:
    """The registered kind called ``name``."""
    return _KINDS[name]
