"""Forms of the disclosure pages (shape only; the rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coopledger.forms import MoneyField


class SettingsForm(FlaskForm):
    """The disclosure calendar."""

    frequency = SelectField(_l("财务公开频次"), choices=[])
    deadline_day = IntegerField(_l("期间结束后下月几日前公开"), validators=[InputRequired()])
    posting_days = IntegerField(_l("公开栏张贴天数"), validators=[InputRequired()])
    itemise_from = MoneyField(_l("公开栏逐笔列示的起点金额（元，其余按类别合计）"),
                              validators=[InputRequired()])
    show_names = BooleanField(
        _l("公开页面和公开栏显示收款人、成员的全名（默认只显示姓，如“陈**”）"))
    submit = SubmitField(_l("保存"))


class DraftForm(FlaskForm):
    """The period to draft."""

    period = StringField(_l("期间（如 2025-Q1、2025-03、2025）"),
                         validators=[DataRequired(), Length(max=10)])
    submit = SubmitField(_l("生成公开草稿"))


class SpecialForm(FlaskForm):
    """A special disclosure (专项公开)."""

    topic = SelectField(_l("专项事项"), choices=[])
    period = StringField(_l("事项发生的期间（如 2025-03、2025-Q1）"),
                         validators=[DataRequired(), Length(max=10)])
    title = StringField(_l("标题（可不填）"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("生成专项公开草稿"))


class ExplainForm(FlaskForm):
    """The accountant's explanations."""

    explanation = TextAreaField(_l("说明（数字由账簿生成，不能修改）"),
                                validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("保存说明"))


class PostForm(FlaskForm):
    """A 党务/村务 item."""

    category = SelectField(_l("类别"), choices=[])
    title = StringField(_l("标题"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("内容"), validators=[Optional(), Length(max=5000)])
    attachment = FileField(_l("附件（JPEG、PNG 或 PDF，可不传）"))
    submit = SubmitField(_l("加入公开"))


class ReviewForm(FlaskForm):
    """A 民主理财小组 member's review."""

    agrees = BooleanField(_l("同意公开"))
    comment = TextAreaField(_l("意见"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("提交审核意见"))


class OpinionForm(FlaskForm):
    """The township's opinion."""

    agrees = BooleanField(_l("无异议，同意公开"))
    opinion = TextAreaField(_l("审核意见"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("提交乡镇审核意见"))


class CorrectForm(FlaskForm):
    """The reason for a corrected version."""

    reason = StringField(_l("更正原因"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("生成更正版本"))


class QuestionForm(FlaskForm):
    """A member's question."""

    text = TextAreaField(_l("我的质询"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("提交质询"))


class AnswerForm(FlaskForm):
    """The accountant's answer."""

    text = TextAreaField(_l("答复"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("答复"))


class VerifyForm(FlaskForm):
    """A copy to check: an uploaded PDF or a short code."""

    file = FileField(_l("公开 PDF 文件"))
    code = StringField(_l("或输入校验码"), validators=[Optional(), Length(max=20)])
    submit = SubmitField(_l("核对"))
