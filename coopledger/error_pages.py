"""Error pages: business refusals, HTTP errors and CSRF failures rendered in the layout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import SecurityError

from coopledger.db import reads_only
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_

if TYPE_CHECKING:
    from flask import Flask
    from flask.typing import ResponseReturnValue
    from werkzeug.exceptions import HTTPException


def register_error_handlers(app: Flask) -> None:
    """Render refusals and HTTP errors with the layout, in the user's language."""

    @app.errorhandler(CoopLedgerError)
    def _business(err: CoopLedgerError) -> ResponseReturnValue:
        return _render(err.status, str(err))

    @app.errorhandler(CSRFError)
    def _csrf(_err: CSRFError) -> ResponseReturnValue:
        return _render(400, gettext("页面已过期或表单来源不明，请刷新页面后重新提交。"))

    for code in HTTP_MESSAGES:
        app.register_error_handler(code, _http_error)

    @app.errorhandler(OperationalError)
    def _busy(err: OperationalError) -> ResponseReturnValue:
        """SQLite's writer lock held past the busy timeout by a long write (a big import):
        the change was not saved, and saying so beats a 500; any other database failure is
        the 500 below."""
        db.session.rollback()
        if "database is locked" not in str(err.orig):
            current_app.logger.exception("database error", exc_info=err)
            return _render(500, gettext(SERVER_ERROR))
        if "reads_only_token" not in g:   # the page only reads: beside the writer, not behind
            g.reads_only_token = reads_only(True)   # (reset by the request's teardown)
        response = make_response(_render(503, gettext(
            "系统正忙：另一项较大的保存（如导入）正在进行，您这次的修改没有保存，请稍后再试。")))
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(500)
    def _server(_err: Exception) -> ResponseReturnValue:
        db.session.rollback()
        return _render(500, gettext(SERVER_ERROR))


SERVER_ERROR = N_("系统出错了，请稍后再试；若仍然出错，请联系管理员。")
HTTP_MESSAGES = {
    400: N_("请求无效。"),
    403: N_("您没有权限查看或操作此页面。"),
    404: N_("找不到此页面或记录。"),
    405: N_("不支持此操作方式。"),
    413: N_("上传的文件太大。"),
    429: N_("操作过于频繁，请稍后再试。"),
}


def _http_error(err: HTTPException) -> ResponseReturnValue:
    code = err.code or 500
    if isinstance(err, SecurityError):   # an untrusted Host: no page can be linked from it
        return gettext(HTTP_MESSAGES[400]), 400, {"Content-Type": "text/plain; charset=utf-8"}
    return _render(code, gettext(HTTP_MESSAGES.get(code, HTTP_MESSAGES[400])))


def _render(code: int, message: str) -> ResponseReturnValue:
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=message), code
    return render_template("errors/error.html", code=code, message=message), code
