"""Forms of the books (shape only): voucher lines, sub-accounts, periods, opening balances."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from coopledger.forms import MoneyField, options
from coopledger.ledger.print_rules import DEFAULT_PAPER, PAPERS, STYLES


class LineForm(Form):
    """One voucher line: 摘要, account ("code name"), debit, credit."""

    summary = StringField(_l("摘要"), validators=[Optional(), Length(max=200)])
    account = StringField(_l("会计科目"), validators=[Optional(), Length(max=100)])
    debit = MoneyField(_l("借方金额"))
    credit = MoneyField(_l("贷方金额"))

    def is_blank(self) -> bool:
        """A row the user left empty."""
        return not any((self.summary.data or "").strip() or (self.account.data or "").strip()
                       or (f.data or "").strip() for f in (self.debit, self.credit))

    def account_code(self) -> str:
        """The code typed or picked from the list ("102 银行存款" → "102")."""
        text = (self.account.data or "").strip()
        return text.split()[0] if text else ""


class VoucherForm(FlaskForm):
    """A voucher: date, attachment count and its lines."""

    on = DateField(_l("日期"), validators=[DataRequired()])
    attachment_count = IntegerField(_l("附件张数"), default=0,
                                    validators=[Optional(), NumberRange(min=0, max=999)])
    lines = FieldList(FormField(LineForm), min_entries=4, max_entries=60)
    submit = SubmitField(_l("保存草稿"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: (row, cell) → the sentence of a rule that line breaks (rules.LineError), shown
        #: under that cell; cell is summary, account or amount.
        self.cell_errors: dict[tuple[int, str], str] = {}


class TemplateForm(FlaskForm):
    """The name a voucher is kept under as a template."""

    name = StringField(_l("模板名称"), validators=[DataRequired(), Length(max=60)])
    submit = SubmitField(_l("存为模板"))


class ReasonForm(FlaskForm):
    """A reason (rejecting a voucher, reopening a month)."""

    reason = TextAreaField(_l("原因"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("确定"))


class DateActionForm(FlaskForm):
    """A date for an action (a reversal's date, an account's closing date)."""

    on = DateField(_l("日期"), validators=[DataRequired()])
    submit = SubmitField(_l("确定"))


class SubAccountForm(FlaskForm):
    """A new 明细科目 under a parent account."""

    parent = StringField(_l("上级科目编码"), validators=[DataRequired(), Length(max=16)])
    code = StringField(_l("科目编码"), validators=[DataRequired(), Length(max=16)])
    name = StringField(_l("科目名称"), validators=[DataRequired(), Length(max=64)])
    member_ledger = BooleanField(_l("成员明细账（内部往来/成员往来按成员设户）"))
    submit = SubmitField(_l("增设明细科目"))


class MnemonicForm(FlaskForm):
    """An account's 助记码 (empty: generated from its name)."""

    mnemonic = StringField(_l("助记码"), validators=[Length(max=32)])
    submit = SubmitField(_l("保存助记码"))


class RenameAccountForm(FlaskForm):
    """A new name for a sub-account without postings."""

    name = StringField(_l("科目名称"), validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("改名"))


class YearForm(FlaskForm):
    """A year (year-end closing)."""

    year = IntegerField(_l("年度"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    submit = SubmitField(_l("生成结转凭证"))


class SettingsForm(FlaskForm):
    """Book settings."""

    cashier_confirms = BooleanField(_l("涉及现金、银行存款的凭证须经出纳确认后才能记账"))
    in_date_order = BooleanField(_l("序时控制：同一月份内不能记账日期早于已记账凭证的凭证"))
    submit = SubmitField(_l("保存"))


class OpeningImportForm(FlaskForm):
    """An Excel sheet of opening balances."""

    on = DateField(_l("建账日期"), validators=[DataRequired()])
    file = FileField(_l("期初余额表（Excel）"), validators=[
        FileRequired(), FileAllowed(["xlsx"], _l("请上传 .xlsx 格式的 Excel 文件。"))])
    submit = SubmitField(_l("导入"))


class AttachmentForm(FlaskForm):
    """A scanned original to attach."""

    file = FileField(_l("原始凭证（JPEG、PNG 或 PDF）"), validators=[FileRequired()])
    submit = SubmitField(_l("上传"))


def _papers() -> list[Any]:
    return options((key, _l(paper.label)) for key, paper in PAPERS.items())


class PrintVouchersForm(FlaskForm):
    """A month's posted vouchers to print for binding: the paper and the amount grid."""

    year = IntegerField(_l("年度"), validators=[DataRequired(), NumberRange(min=1990, max=2100)])
    month = SelectField(_l("月份"), choices=options((m, _l("%(n)d月", n=m))
                                                   for m in range(1, 13)), coerce=int)
    paper = SelectField(_l("纸张"), choices=_papers, default=DEFAULT_PAPER)
    grid = BooleanField(_l("金额栏按位分格（亿…分）"))
    submit = SubmitField(_l("打印本月凭证（含封面）"))


_CODE = Regexp(r"^\d*$", message=_l("科目编码只能是数字。"))


class PrintLedgerForm(FlaskForm):
    """A year's 明细账 to print: a range of account codes (empty: all) and the format."""

    year = IntegerField(_l("年度"), validators=[DataRequired(), NumberRange(min=1990, max=2100)])
    first = StringField(_l("起始科目编码"), validators=[Optional(), Length(max=20), _CODE])
    last = StringField(_l("截止科目编码"), validators=[Optional(), Length(max=20), _CODE])
    style = SelectField(_l("账页格式"), choices=lambda: options(
        (key, _l(label)) for key, label in STYLES.items()), default="three")
    submit = SubmitField(_l("打印明细账"))
