"""The public check of a printed dividend statement (no login): whether the statement's line
exists with that total in that plan version, and whether it has been paid. Names are masked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, render_template

from coopledger.distribution.statements import find_line

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

bp = Blueprint("distribution_public", __name__)


@bp.route("/d/<int:line_id>/<code>")
def check(line_id: int, code: str) -> ResponseReturnValue:
    """Public: whether a statement is the plan's record (masked names, no bank details)."""
    line = find_line(line_id, code)
    if line is None:
        return render_template("distribution/check.html", line=None), 404
    return render_template("distribution/check.html", line=line, plan=line.plan)
