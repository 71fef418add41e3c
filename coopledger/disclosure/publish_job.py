"""Publishing as a background job with progress: the notices take a while to lay out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from coopledger.auth.models import User
from coopledger.dates import today
from coopledger.disclosure import notice, services
from coopledger.disclosure.models import Disclosure
from coopledger.disclosure.verification import notice_key
from coopledger.extensions import db
from coopledger.files import store
from coopledger.i18n import N_
from coopledger.jobs.registry import Progress

PUBLISH_KIND = "disclosure.publish"


def publish_job(params: dict[str, Any], progress: Progress, out_dir: Path) -> Path:
    """Freeze and publish ``params["disclosure_id"]`` on the day it was asked for
    (``params["today"]``; a job queued before that parameter existed: the worker's day); the
    result is the A4 notice."""
    disclosure = db.session.get(Disclosure, int(params["disclosure_id"]))
    user = db.session.get(User, int(params["user_id"]))
    if disclosure is None or user is None:
        msg = "disclosure or user not found"
        raise ValueError(msg)
    progress(5, N_("正在核对期间和审核记录"))
    storage = store()
    day = dt.date.fromisoformat(str(params["today"])) if "today" in params else today()
    services.publish(disclosure, render_pdf=notice.render_both, storage=storage, by=user,
                     progress=progress, today=day)
    target = out_dir / f"disclosure-{disclosure.organisation.code}-{disclosure.period_key}" \
                       f"-v{disclosure.version}.pdf"
    target.write_bytes(storage.get(notice_key(disclosure)) or b"")
    progress(100, N_("已公开"))
    return target
