"""Generating every household's statement of a plan as a background job with progress: one
PDF with all statements and one PDF per household, packed in a ZIP to download."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

from coopledger.distribution import statements
from coopledger.distribution.models import Plan
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.jobs.registry import Progress

STATEMENTS_KIND = "distribution.statements"


def _safe(name: str) -> str:
    return "".join(ch for ch in name if ch not in '\\/:*?"<>|').strip() or "statement"


def generate_statements(params: dict[str, Any], progress: Progress, out_dir: Path) -> Path:
    """All statements of ``params["plan_id"]``: ``statements.pdf`` and one file per household."""
    plan = db.session.get(Plan, int(params["plan_id"]))
    if plan is None:
        msg = "plan not found"
        raise ValueError(msg)
    progress(0, N_("正在准备收益分配明细单"))
    items = statements.statements(plan)
    workers = max(1, min(2, os.cpu_count() or 1))
    combined = statements.render(plan, items, workers=workers, progress=lambda percent: progress(
        percent * 9 // 10, N_("正在生成收益分配明细单")))
    target = out_dir / f"statements-{plan.organisation.code}-{plan.year}-v{plan.version}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("statements.pdf", combined)
        for item, page in zip(items, statements.per_household(combined), strict=True):
            archive.writestr(f"households/{item.line.seq:05d}-{_safe(item.line.holder)}.pdf",
                             page)
    progress(100, N_("收益分配明细单已生成"))
    return target
