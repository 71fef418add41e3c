"""The form pieces every domain shares (DESIGN §3, issue 22: shared pieces in the core): select
options from (value, label) pairs, an uploaded file read whole, the bare confirm form of a
POST button, and the money and decimal fields read exactly (``money.parse_money``; a number
that is not finite is refused)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import SelectChoice, StringField, SubmitField
from wtforms.validators import ValidationError

from coopledger.money import MoneyInputError, parse_money


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Select options for WTForms from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def read_upload(upload: FileStorage) -> bytes:
    """The whole content of an uploaded file (a werkzeug ``FileStorage``); a large upload is
    spooled to a temporary file, which is closed at once rather than left to the collector."""
    try:
        return bytes(upload.read())
    finally:
        upload.close()


class ConfirmForm(FlaskForm):
    """A bare POST with its CSRF token (revoke, reset, logout, export)."""

    submit = SubmitField(_l("确定"))


class MoneyField(StringField):
    """A text amount checked with money.parse_money (refuses 1e5, NaN, a third decimal …)."""

    def amount(self) -> Decimal:
        """The parsed amount (0 when empty)."""
        raw = (self.data or "").strip()
        return parse_money(raw) if raw else Decimal("0.00")

    def pre_validate(self, form: Any) -> None:
        """Report an unreadable amount next to the field."""
        try:
            self.amount()
        except MoneyInputError as err:
            raise ValidationError(str(err)) from None


class DecimalField(StringField):
    """A plain decimal number typed as text (斤, %, shares); empty reads as ``None``."""

    def number(self) -> Decimal | None:
        """The parsed number, or None when empty."""
        raw = (self.data or "").strip().replace(",", "")
        if not raw:
            return None
        value = Decimal(raw)
        if not value.is_finite():
            raise InvalidOperation(raw)
        return value

    def pre_validate(self, form: Any) -> None:
        """Report an unreadable number next to the field."""
        try:
            self.number()
        except InvalidOperation:
            raise ValidationError(_l("请填写数字，例如 600 或 12.5。")) from None
