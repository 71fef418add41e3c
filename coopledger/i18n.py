"""Message marking for modules that must not import Flask.

Pure modules mark their user-facing sentences with :func:`N_` so that ``pybabel extract``
finds them; the edge (views, error handlers) translates them with ``gettext``.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for translation without translating it."""
    return message
