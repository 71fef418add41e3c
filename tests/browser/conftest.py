"""Browser fixtures: the app served on 127.0.0.1 from its own database, and Chromium.

Chromium is the system one (``COOPLEDGER_CHROMIUM``, default ``/usr/bin/chromium``);
Playwright's own browser download does not work on the project's machines. A missing
browser fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, Databases, dispose, make_app, migrate_and_seed

CHROMIUM = os.environ.get("COOPLEDGER_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}


class LiveServer:
    """The app and the address it is served on."""

    def __init__(self, app: Flask, url: str) -> None:
        self.app, self.url = app, url


@pytest.fixture(scope="session")
def live_server(databases: Databases, tmp_path_factory: pytest.TempPathFactory,
                ) -> Iterator[LiveServer]:
    storage = tmp_path_factory.mktemp("browser-storage")
    app = make_app(databases.fresh("browser"), storage, WTF_CSRF_ENABLED=True)
    migrate_and_seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        dispose(app)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as runner:
        yield runner


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs chromium)")
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run"])
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def log_in(page: Page, server: LiveServer, username: str, password: str = PASSWORD) -> Any:
    """Log in through the real form, as a person would."""
    page.goto(f"{server.url}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.login-form button[type=submit]")
    page.wait_for_load_state("load")


def open_books(server: LiveServer, code: str) -> None:
    """Open the organisation's books (cash 5,000, bank 95,000) unless they are open already."""
    import sqlalchemy as sa

    from coopledger.auth.models import User
    from coopledger.extensions import db
    from coopledger.ledger.books import get_book
    from coopledger.orgs.models import Organisation
    from tests.ledger_helpers import book_with_vouchers

    with server.app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(Organisation.code == code)).one()
        if get_book(org).opened_on is None:
            users = {u.username: u for u in db.session.scalars(sa.select(User))}
            book_with_vouchers(org, users["accountant"], users["reviewer"])
        db.session.commit()
