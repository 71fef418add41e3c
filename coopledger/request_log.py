"""One access-log line per request for the production server (waitress writes none).

``coopledger run`` installs it; the line is ``address method path status bytes duration`` on
the ``coopledger.requests`` logger, so a county deployment can ship it like any other log. The
query string is left out: it can carry names and search terms of personal data.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from flask import g, request

if TYPE_CHECKING:
    from flask import Flask, Response

log = logging.getLogger("coopledger.requests")


def log_requests(app: Flask) -> None:
    """Log every request of ``app`` when it is answered."""

    @app.before_request
    def _start() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _line(response: Response) -> Response:
        started = g.get("request_started")
        took = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        log.info("%s %s %s %s %s %.0fms", request.remote_addr or "-", request.method,
                 request.path, response.status_code, response.content_length or "-", took)
        return response
