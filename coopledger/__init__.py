"""coopledger: books, shares, distribution and disclosures for land-share cooperatives.

:func:`create_app` only wires configuration, extensions, blueprints, templating, security
and error pages together.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_babel import gettext
from werkzeug.middleware.proxy_fix import ProxyFix

from coopledger import paths
from coopledger.config import load_config
from coopledger.errors import install_translator
from coopledger.extensions import babel, compress, csrf, db, login_manager, migrate
from coopledger.i18n import N_
from coopledger.input_guard import install_input_guard


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the WSGI application."""
    app = Flask(__name__, instance_path=str(paths.instance_dir()),
                template_folder=str(paths.TEMPLATES_DIR), static_folder=str(paths.STATIC_DIR))
    load_config(app, overrides)
    install_input_guard(app)
    if int(app.config.get("TRUSTED_PROXIES", 0)):
        count = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count,  # type: ignore[method-assign]
                                x_host=count)
    _setup_extensions(app)
    _setup_blueprints(app)
    _setup_web(app)
    return app


def _static_files_read_whole(app: Flask) -> None:
    """Hand Flask-Compress the bytes of a static file, with the file closed.

    A static file is sent as an open file; Flask-Compress replaces the body with the gzipped
    bytes and the open file was never closed (a ResourceWarning per CSS/JS request). This hook
    is registered after Flask-Compress's, so it runs before it (after-request hooks run in
    reverse order). Static files are small (the CSS and JS of the app).
    """

    @app.after_request
    def _read_whole(response: Response) -> Response:
        if response.direct_passthrough and request.endpoint == "static":
            body = response.response
            response.direct_passthrough = False
            data = b"".join(part if isinstance(part, bytes) else part.encode() for part in body)
            close = getattr(body, "close", None)
            if close is not None:
                close()
            response.set_data(data)
        return response


def _select_locale() -> str:
    """The language chosen in this session, else the default (zh_CN); workers use the default."""
    if has_request_context():
        chosen = session.get("lang")
        if chosen in current_app.config["LANGUAGES"]:
            return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _reading_requests_read_only(app: Flask) -> None:
    """GET/HEAD/OPTIONS requests read a snapshot on SQLite instead of queueing behind a writer
    (``db.reads_only``); the first hook of every request, before the user is loaded."""
    from coopledger.db import reads_only, reads_only_reset

    def _mark() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            g.reads_only_token = reads_only(True)

    def _unmark(_error: BaseException | None) -> None:
        token = g.pop("reads_only_token", None)
        if token is not None:
            reads_only_reset(token)

    app.before_request_funcs.setdefault(None, []).insert(0, _mark)
    app.teardown_request(_unmark)
    if app.testing:
        _refuse_unannounced_writes()


def _refuse_unannounced_writes() -> None:
    """Under test, a GET request that writes without ``db.begin_writing`` fails loudly: on
    SQLite its deferred read transaction could not take the write lock while another writer
    holds it ("database is locked"), so every such page must announce its write first."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    if not sa.event.contains(Session, "before_flush", _unannounced_write):
        sa.event.listen(Session, "before_flush", _unannounced_write)


def _unannounced_write(session: Any, _context: object, _instances: object) -> None:
    from coopledger.db import writes_announced

    if writes_announced() or not has_request_context():
        return
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        msg = f"{request.method} {request.path} writes without db.begin_writing()"
        raise RuntimeError(msg)


def _setup_extensions(app: Flask) -> None:
    from coopledger import models
    from coopledger.auth.passwords import configure_hashing
    from coopledger.db import configure_engine
    from coopledger.jobs.queue import configure_queue

    del models  # imported for the complete metadata
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_SECONDS"])
    _reading_requests_read_only(app)
    migrate.init_app(app, db, directory=str(paths.MIGRATIONS_DIR), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    compress.init_app(app)
    _static_files_read_whole(app)
    babel.init_app(app, locale_selector=_select_locale,
                   default_translation_directories=str(paths.TRANSLATIONS_DIR))
    install_translator(gettext)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("请先登录。")
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"  # phones change address; "strong" would log them out

    from coopledger.auth.models import User
    from coopledger.textnum import is_digits

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        """The user of a session whose version is still current (``User.get_id``)."""
        user_id, _dot, version = session_id.partition(".")
        if not is_digits(user_id) or not is_digits(version):
            return None       # a cookie from before session versions, or a forged one
        user = db.session.get(User, int(user_id))
        if user is None or user.session_version != int(version):
            return None
        return user

    configure_queue(app)
    configure_hashing(str(app.config["PASSWORD_HASH_COST"]))


def _setup_blueprints(app: Flask) -> None:
    from coopledger.assets.views import bp as assets_bp
    from coopledger.audit.views import bp as audit_bp
    from coopledger.auth.admin_views import bp as users_bp
    from coopledger.auth.views import bp as auth_bp
    from coopledger.banking.views import bp as banking_bp
    from coopledger.contracts.contract_views import bp as contracts_bp
    from coopledger.contracts.money_views import bp as contract_money_bp
    from coopledger.contracts.views import bp as partners_bp
    from coopledger.disclosure.public_views import bp as disclosure_public_bp
    from coopledger.disclosure.views import bp as disclosure_bp
    from coopledger.distribution.public_views import bp as distribution_public_bp
    from coopledger.distribution.views import bp as distribution_bp
    from coopledger.filings.views import bp as filings_bp
    from coopledger.home.views import bp as home_bp
    from coopledger.jobs.views import bp as jobs_bp
    from coopledger.ledger.views import bp as books_bp
    from coopledger.ledger.voucher_views import bp as vouchers_bp
    from coopledger.members.views import bp as members_bp
    from coopledger.orgs.views import bp as orgs_bp
    from coopledger.shares.views import bp as shares_bp
    from coopledger.spending.views import bp as spending_bp
    from coopledger.supervision.views import bp as supervision_bp
    from coopledger.supervision.views import org_bp as org_supervision_bp
    from coopledger.wiring import wire_domains

    wire_domains()
    for blueprint in (home_bp, auth_bp, users_bp, orgs_bp, audit_bp, jobs_bp, books_bp,
                      vouchers_bp, members_bp, shares_bp, partners_bp, contracts_bp,
                      contract_money_bp, distribution_bp, distribution_public_bp, assets_bp,
                      disclosure_bp, disclosure_public_bp, filings_bp, supervision_bp,
                      org_supervision_bp, spending_bp, banking_bp):
        app.register_blueprint(blueprint)


def _setup_web(app: Flask) -> None:
    from coopledger.cli import register_commands
    from coopledger.error_pages import register_error_handlers
    from coopledger.security import register_security
    from coopledger.templating import register_templating

    register_templating(app)
    register_security(app)
    register_error_handlers(app)
    register_commands(app)
