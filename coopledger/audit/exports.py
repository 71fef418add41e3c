"""Exporting the audit log to an Excel workbook, as a background job."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from openpyxl import Workbook

from coopledger.audit.models import AuditEvent
from coopledger.audit.queries import AuditFilter, audit_events_query
from coopledger.dates import BUSINESS_ZONE
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ids import masked_json
from coopledger.jobs.registry import Progress
from coopledger.orgs.models import Organisation
from coopledger.spreadsheets import append_row

if TYPE_CHECKING:
    from pathlib import Path

EXPORT_KIND = "audit.export"
HEADERS = ("时间（北京时间）", "操作人", "操作", "对象类型", "对象", "组织", "修改前", "修改后",
           "来源地址")
BATCH = 500


def export_audit_log(params: dict[str, Any], progress: Progress, out_dir: Path) -> Path:
    """Write the filtered audit events to ``audit-log.xlsx``, reporting progress per batch.

    Events are read in batches by id so that committing progress never cuts a cursor.
    """
    flt = AuditFilter.from_params(params)
    ids = list(db.session.scalars(audit_events_query(flt).with_only_columns(AuditEvent.id)))
    org_names: dict[int, str] = dict(
        db.session.execute(sa.select(Organisation.id, Organisation.name)).all())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    append_row(sheet, list(HEADERS))
    progress(0, N_("正在导出审计日志"))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        events = {e.id: e for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.id.in_(chunk)))}
        for event_id in chunk:
            append_row(sheet, _row(events[event_id], org_names,
                                   full=bool(params.get("full"))))
        progress((start + len(chunk)) * 100 // len(ids), N_("正在导出审计日志"))
    target = out_dir / "audit-log.xlsx"
    workbook.save(target)
    return target


def _row(event: AuditEvent, org_names: dict[int, str], *, full: bool) -> list[str]:
    """One line; personal numbers masked unless the exporter may see them (an admin)."""
    def shown(value: Any) -> Any:
        return value if full else masked_json(value)

    return [
        event.at.astimezone(BUSINESS_ZONE).strftime("%Y-%m-%d %H:%M:%S"),
        event.actor_name, event.action, event.object_type, shown(event.object_label),
        org_names.get(event.organisation_id or 0, ""),
        json.dumps(shown(event.before), ensure_ascii=False) if event.before else "",
        json.dumps(shown(event.after), ensure_ascii=False) if event.after else "",
        event.client_address or ""]
