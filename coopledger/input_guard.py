"""Input that no page accepts, refused before any view or database sees it.

A NUL character cannot be stored in PostgreSQL text (psycopg raises, which was a 500 even on the
login form and ``/verify``), and nobody types one: any NUL in the path, a query parameter or a
form field (file contents are not looked at) is refused with a sentence and HTTP 400. Integer
URL parts are bounded to PostgreSQL's ``integer`` (2³¹ − 1), so a larger id is a 404, not an
overflow.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from flask import request
from werkzeug.routing import IntegerConverter

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.textnum import MAX_ID

if TYPE_CHECKING:
    from flask import Flask
    from werkzeug.routing import Map


class ControlCharacterError(CoopLedgerError):
    """A NUL character in what was sent."""

    message = N_("提交的内容含有不允许的控制字符（NUL），请删除后重新提交。")
    status = HTTPStatus.BAD_REQUEST


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` that matches only ids a database integer can hold."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def install_input_guard(app: Flask) -> None:
    """Bound integer URL parts (before any route is added) and refuse NUL first of all."""
    app.url_map.converters["int"] = BoundedIntegerConverter

    def _refuse_nul() -> None:
        if "\x00" in request.path or any(
                "\x00" in key or "\x00" in value
                for source in (request.args, request.form)
                for key, values in source.lists() for value in [*values, ""]):
            raise ControlCharacterError

    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_nul)
