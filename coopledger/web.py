"""Helpers shared by the views: the current user, safe redirects, applying one change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast
from urllib.parse import urlsplit

from flask import abort, current_app, flash, request, url_for
from flask_login import current_user

from coopledger.dates import today
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db

if TYPE_CHECKING:
    from flask import Blueprint, Response
    from flask_wtf import FlaskForm
    from werkzeug.wrappers import Response as BaseResponse

    from coopledger.auth.models import User
    from coopledger.auth.permissions import Action
    from coopledger.orgs.models import Organisation

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def me() -> User:
    """The logged-in user (views behind ``login_required`` only)."""
    if not current_user.is_authenticated:
        abort(401)
    return cast("User", current_user._get_current_object())


def client_address() -> str:
    """The client's address as seen after any configured proxies."""
    return request.remote_addr or "unknown"


def safe_next(target: str | None) -> str | None:
    """A same-site relative path to go back to, or None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What :func:`apply_change` did: ``ok`` with the service's result, or refused."""

    ok: bool
    value: T


def apply_change(change: Callable[[], T], success: str | Callable[[T], str], *,
                 place: Callable[[CoopLedgerError], bool] | None = None) -> Outcome[T]:
    """Run one service, then commit and flash ``success``, or roll back and flash the refusal.

    This is the "one service → commit → flash" step of every view that changes data; a
    refused change saves nothing. ``place`` may show a refusal where it belongs on the page
    (the cell of a form) instead: it returns True when it did.
    """
    try:
        result = change()
    except CoopLedgerError as err:
        db.session.rollback()
        if place is None or not place(err):
            flash(str(err), "error")
        return Outcome(ok=False, value=cast("T", None))
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return Outcome(ok=True, value=result)


def audit_export(action: str, subject: object, label: str, *, full: bool) -> None:
    """A bulk export of personal data (a roster, a payout list, a bank file) leaves its line
    in the audit log: who took which file, with or without the full numbers."""
    from coopledger.audit.services import record
    from coopledger.db import begin_writing

    begin_writing(db.session)
    record(action, subject, by=me(), label=label, after={"personal_data": full})
    db.session.commit()


def org_for(code: str, action: Action) -> Organisation:
    """The organisation with this short code, once ``action`` on it is allowed (else 403/404)."""
    from coopledger.auth.permissions import require
    from coopledger.orgs.queries import get_org

    org = get_org(code)
    require(me(), action, org)
    return org


M = TypeVar("M")


def owned_or_404(model: type[M], object_id: int, org: Organisation) -> M:
    """A row of ``model`` that belongs to ``org`` (404 for a missing or a foreign one)."""
    found = db.get_or_404(model, object_id)
    if getattr(found, "organisation_id", None) != org.id:
        abort(404)
    return found


def child_or_404(model: type[M], child_id: int, parent: object, link: str) -> M:
    """A row of ``model`` whose ``link`` column (``"voucher_id"``) names ``parent``: 404 for a
    missing row or one that belongs to another parent (a scan of another voucher, a line of
    another plan)."""
    found = db.get_or_404(model, child_id)
    if getattr(found, link) != getattr(parent, "id", None):
        abort(404)
    return found


FILE_TYPES = {
    "pdf": ("application/pdf", True),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    "csv": ("text/csv", False),          # Flask adds "; charset=utf-8" to text types
    "beancount": ("text/plain", False),
}
"""File extension → (content type, shown in the browser rather than downloaded)."""


def file_response(data: bytes | str | Iterator[str], filename: str) -> Response:
    """A generated file as the answer to a request: the content type and whether it opens in
    the browser (PDFs) or downloads (XLSX, CSV, beancount) follow from the file name's
    extension; a non-ASCII name is sent as RFC 6266 ``filename*`` with an ASCII fallback. A
    CSV written here as text starts with the UTF-8 byte-order mark, so a spreadsheet program
    opened by a double click reads its Chinese (issue 19). Text given in pieces is sent as
    it is produced, inside the request (``stream_with_context``), so a file larger than the
    worker's memory can be downloaded."""
    from urllib.parse import quote

    from flask import Response as FlaskResponse
    from flask import stream_with_context

    extension = filename.rsplit(".", 1)[-1]
    mimetype, inline = FILE_TYPES[extension]
    if extension == "csv" and isinstance(data, str) and not data.startswith("\ufeff"):
        data = "\ufeff" + data
    if not isinstance(data, str | bytes):
        data = stream_with_context(chain(["\ufeff"] if extension == "csv" else [], data))
    disposition = "inline" if inline else "attachment"
    if filename.isascii():
        disposition += f"; filename={filename}"
    else:
        fallback = "".join(c if c.isascii() and c not in '"\\' else "_" for c in filename)
        disposition += f'; filename="{fallback}"; filename*=UTF-8\'\'{quote(filename)}'
    return FlaskResponse(data, mimetype=mimetype,
                         headers={"Content-Disposition": disposition})


def flash_form_errors(form: FlaskForm) -> None:
    """Flash every field error of a form that came back invalid."""
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


def submitted_upload(form: FlaskForm, missing: str, *, field: str = "file",
                     ) -> tuple[bytes, str] | None:
    """The file uploaded with a valid form, as (content, file name); None after flashing what
    is wrong: the form's errors, and ``missing`` when no file was chosen."""
    from coopledger.forms import read_upload

    upload = request.files.get(field)
    chosen = upload is not None and bool(upload.filename)
    if not form.validate_on_submit() or upload is None or not chosen:
        flash_form_errors(form)
        if not chosen:
            flash(missing, "error")
        return None
    return read_upload(upload), upload.filename or ""


def start_workbook_import(kind: str, org: Organisation, *, title: Callable[[str], str],
                          requires: Action) -> BaseResponse | None:
    """Keep the uploaded .xlsx (form field ``file``) and start the job of ``kind`` that imports
    it all or nothing; the redirect to the job's progress page, or None after flashing why the
    upload is not a workbook."""

    from flask import redirect, url_for
    from flask_babel import gettext

    from coopledger.jobs import services as jobs
    from coopledger.workbooks import keep_upload

    upload = request.files.get("file")
    content = upload.read() if upload else b""
    if not content.startswith(b"PK"):
        flash(gettext("请上传按模板填写的 .xlsx 文件。"), "error")
        return None
    job = jobs.start_job(kind, title=title(upload.filename or "" if upload else ""),
                         params={**keep_upload(content), "organisation_id": org.id,
                                 "user_id": me().id, "today": today().isoformat()}, by=me(),
                         requires=requires, on=org)
    db.session.commit()
    jobs.enqueue(job)
    return redirect(url_for("jobs.show", job_id=job.id))


class Routes:
    """The pages of one module of a package whose blueprint lives in its ``views`` module:
    ``@routes.route`` records them as ``@bp.route`` would, and the package's views module
    attaches them to its blueprint by name (``routes.attach(bp)``), so every route is on the
    blueprint because a line says so, not because some module happened to be imported."""

    def __init__(self) -> None:
        self._rules: list[tuple[str, Callable[..., Any], dict[str, Any]]] = []

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Record ``rule`` for the decorated view (options as for ``Blueprint.route``)."""

        def decorate(view: F) -> F:
            self._rules.append((rule, view, options))
            return view

        return decorate

    def attach(self, blueprint: Blueprint) -> None:
        """Add every recorded page to ``blueprint`` (endpoint: the view's name)."""
        for rule, view, options in self._rules:
            blueprint.add_url_rule(rule, view_func=view, **options)


def public_url_for(endpoint: str, **values: Any) -> str:
    """The absolute address of a page for links printed in QR codes and documents: always
    PUBLIC_URL followed by the page's path, never the request's Host header (which a client
    chooses), so the same document made on screen or in a worker points at the same place."""
    base = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    return f"{base}{url_for(endpoint, **values)}"
