"""Configuration: defaults, then ``instance/config.py``, then ``COOPLEDGER_*`` variables.

The secret key comes from ``COOPLEDGER_SECRET_KEY`` or is generated once into the instance
folder (never committed). The database is SQLite under ``instance/`` unless
``COOPLEDGER_DATABASE_URL`` names another SQLAlchemy URL.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from flask import Flask

DEFAULTS: dict[str, Any] = {
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh_CN", "en"],
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # How long a SQLite writer waits for another writer before giving up (seconds).
    "SQLITE_BUSY_TIMEOUT_SECONDS": 60,
    # Login throttling: failures counted over a sliding window, per account and per address.
    "LOGIN_WINDOW_MINUTES": 15,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "MIN_PASSWORD_LENGTH": 8,
    "PASSWORD_HASH_COST": "default",
    "AUDIT_PAGE_SIZE": 50,
    "CONTRACT_EXPIRY_WARNING_DAYS": 90,
    "QUESTION_WARNING_DAYS": 7,
    # Background jobs: huey on SQLite under instance/ unless REDIS_URL is set.
    "REDIS_URL": None,
    "JOBS_IMMEDIATE": False,
    # A running job writes a heartbeat this often (PostgreSQL); with none for JOB_STALE_SECONDS
    # (or with its worker process gone) it is failed or queued again (jobs/rules.abandoned).
    "JOB_HEARTBEAT_SECONDS": 15,
    "JOB_STALE_SECONDS": 120,
    # Where stored files live (files.store): "folder" (STORAGE_DIR, default) or "database"
    # (in the database itself, so web and worker hosts share nothing but it and Redis).
    "STORAGE": "folder",
    # Hosts the PDF renderer may fetch from; empty means only the app's own static files.
    "PDF_ALLOWED_HOSTS": [],
    # Responses compressed with gzip (brotli and zstd need browser support we cannot assume).
    "COMPRESS_ALGORITHM": ["gzip"],
    "COMPRESS_MIN_SIZE": 500,
    # Threads of the production server started by ``coopledger run`` (waitress).
    "WEB_THREADS": 8,
    # Base address printed in documents made outside a request (QR codes of statements).
    "PUBLIC_URL": "http://127.0.0.1:5000",
}


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill ``app.config`` in the documented order and derive the database URL."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COOPLEDGER")
    if overrides:
        app.config.update(overrides)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.setdefault("STORAGE_DIR", str(instance / "storage"))
    Path(app.config["STORAGE_DIR"]).mkdir(parents=True, exist_ok=True)
    url = app.config.get("DATABASE_URL") or f"sqlite:///{instance / 'coopledger.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if app.config["STORAGE"] not in ("folder", "database"):
        msg = f"COOPLEDGER_STORAGE must be folder or database, not {app.config['STORAGE']!r}"
        raise ValueError(msg)
    app.config.setdefault("HUEY_SQLITE_PATH", str(instance / "jobs.db"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    _trust_public_host(app)


def _trust_public_host(app: Flask) -> None:
    """When the deployment names its address (PUBLIC_URL set, not the default), requests for
    any other Host are refused (Flask's TRUSTED_HOSTS; the machine itself may still ask), so
    a forged Host header cannot reach links; links in QR codes and documents use PUBLIC_URL."""
    if app.config.get("TRUSTED_HOSTS") is not None or \
            app.config["PUBLIC_URL"] == DEFAULTS["PUBLIC_URL"]:
        return
    host = urlsplit(str(app.config["PUBLIC_URL"])).hostname
    if host:
        app.config["TRUSTED_HOSTS"] = [host, "localhost", "127.0.0.1"]


def _instance_secret(path: Path) -> str:
    """Read the instance secret, creating it atomically the first time any worker needs it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
