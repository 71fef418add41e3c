"""The error every business rule raises.

A :class:`CoopLedgerError` carries a sentence (marked for translation with ``N_``) and its
parameters; ``str(err)`` gives the sentence in the user's language once the app has installed
its translator. This module imports nothing from Flask so pure rules can raise these errors.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, ClassVar

from coopledger.i18n import N_


class Term(str):
    """A word of the vocabulary passed as a sentence's parameter (e.g. 可分配收益 or 可分配盈余,
    by accounting standard): marked for translation, and translated with the sentence."""

    __slots__ = ()


def _plain(template: str, **params: Any) -> str:
    return template % params if params else template


_translator: list[Callable[..., str]] = [_plain]


def install_translator(translate: Callable[..., str]) -> None:
    """Let errors speak the request's language (called by the app factory); parameters that are
    :class:`Term` words are translated too."""

    def speak(template: str, **params: Any) -> str:
        return translate(template, **{key: translate(value) if isinstance(value, Term) else value
                                      for key, value in params.items()})

    _translator[0] = speak


class CoopLedgerError(Exception):
    """Base of business-rule refusals; the class's ``message`` is the default sentence."""

    message: ClassVar[str] = N_("操作未能完成。")
    status: ClassVar[int] = HTTPStatus.UNPROCESSABLE_ENTITY

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.template = message or self.message
        self.params = params
        super().__init__(_plain(self.template, **params))

    def __str__(self) -> str:
        """The sentence in the current language."""
        return _translator[0](self.template, **self.params)
