"""凭证模板 and 常用摘要 (issue 19, the voucher grid): a voucher kept under a name as the
pattern of the next (its lines' 摘要, accounts and amounts; a new voucher's form is filled from
it and saved through the ordinary voucher service, so every rule applies then), and the
organisation's most used 摘要 offered as the 摘要 field's suggestions. Flushes, never commits.
"""

from __future__ import annotations

import sqlalchemy as sa

from coopledger.audit.services import record
from coopledger.auth.models import User
from coopledger.dates import utcnow
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger.models import Voucher, VoucherKind, VoucherLine, VoucherTemplate
from coopledger.orgs.models import Organisation

MOST_USED = 30
"""How many of the organisation's 摘要 the form offers."""


class TemplateError(CoopLedgerError):
    """A voucher template that cannot be kept."""

    message = N_("凭证模板不能保存。")


def templates_of(org: Organisation) -> list[VoucherTemplate]:
    """The organisation's templates by name."""
    return list(db.session.scalars(sa.select(VoucherTemplate).where(
        VoucherTemplate.organisation_id == org.id).order_by(VoucherTemplate.name)))


def save_template(voucher: Voucher, *, name: str, by: User) -> VoucherTemplate:
    """Keep ``voucher``'s lines as the template ``name`` (a name already used is refused)."""
    name = name.strip()
    if not name:
        raise TemplateError(N_("请填写模板名称，例如“收到租金”。"))
    if len(name) > 60:
        raise TemplateError(N_("模板名称最多 60 个字。"))
    if voucher.kind is not VoucherKind.ORDINARY:
        raise TemplateError(N_("只有普通凭证可以存为模板。"))
    if db.session.scalar(sa.select(VoucherTemplate.id).where(
            VoucherTemplate.organisation_id == voucher.organisation_id,
            VoucherTemplate.name == name)) is not None:
        raise TemplateError(N_("已有名为“%(name)s”的模板。"), name=name)
    template = VoucherTemplate(
        organisation_id=voucher.organisation_id, name=name, created_by_id=by.id,
        created_at=utcnow(),
        lines=[{"summary": line.summary, "account": line.account.label,
                "debit": f"{line.debit:.2f}" if line.debit else "",
                "credit": f"{line.credit:.2f}" if line.credit else ""}
               for line in voucher.lines])
    db.session.add(template)
    db.session.flush()
    record("voucher.template", voucher.organisation, by=by, label=f"{voucher.label} → {name}",
           after={"name": name, "lines": len(template.lines)})
    return template


def delete_template(template: VoucherTemplate, *, by: User) -> None:
    """Remove a template (vouchers made from it stay as they are)."""
    record("voucher.template_delete", template.organisation, by=by, label=template.name,
           before={"name": template.name})
    db.session.delete(template)
    db.session.flush()


def most_used_summaries(org: Organisation, *, limit: int = MOST_USED) -> list[str]:
    """The organisation's 摘要 most often used on its voucher lines, most used first."""
    count = sa.func.count(VoucherLine.id)
    return list(db.session.scalars(sa.select(VoucherLine.summary).where(
        VoucherLine.organisation_id == org.id, VoucherLine.summary != "")
        .group_by(VoucherLine.summary).order_by(count.desc(), VoucherLine.summary)
        .limit(limit)))
