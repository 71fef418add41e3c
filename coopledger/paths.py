"""Where the app's files are, in a checkout or in an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


TEMPLATES_DIR = _first_existing(CHECKOUT_DIR / "templates", PACKAGE_DIR / "templates")
MIGRATIONS_DIR = _first_existing(CHECKOUT_DIR / "migrations", PACKAGE_DIR / "migrations")
SAMPLE_DATA_DIR = _first_existing(CHECKOUT_DIR / "sample_data", PACKAGE_DIR / "sample_data")
STATIC_DIR = PACKAGE_DIR / "static"
TRANSLATIONS_DIR = PACKAGE_DIR / "translations"


def instance_dir() -> Path:
    """``COOPLEDGER_INSTANCE_PATH``, else ``instance/`` in the checkout (or the working dir)."""
    configured = os.environ.get("COOPLEDGER_INSTANCE_PATH")
    if configured:
        return Path(configured).resolve()
    if (CHECKOUT_DIR / "pyproject.toml").is_file():
        return CHECKOUT_DIR / "instance"
    return Path.cwd() / "instance"
