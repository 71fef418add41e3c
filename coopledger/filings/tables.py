"""An organisation's tables for a year, as shown, exported and frozen: each form's rows computed
from the books and registers (or read back from a submitted version), the figures as reported,
the balance rules and ties checked, last year's figures beside them and the changes that need
an explanation.

Last year's figures (上年核实数, and the base of the year-on-year changes) are those of last
year's accepted filing; without one, those of last year's closed books, marked as such; for a
first year, none.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.extensions import db
from coopledger.filings import queries, rules
from coopledger.filings.layouts import YOY_THRESHOLD, Form, forms_of
from coopledger.filings.models import Explanation, Filing, FilingState
from coopledger.money import to_wan
from coopledger.orgs.models import Organisation

LastSource = str   # "filing" (an accepted version), "books" (closed books), "" (none)


@dataclass
class Table:
    """One form filled in for one organisation and year."""

    form: Form
    exact: dict[str, Decimal]
    reported: dict[str, Decimal]
    checks: list[rules.RuleResult]
    ties: list[rules.RuleResult]
    last: dict[str, Decimal]
    changes: list[rules.Change]
    explanations: dict[str, str] = field(default_factory=dict)

    @property
    def failing(self) -> list[rules.RuleResult]:
        """Balance rules and ties that do not hold on the exact figures."""
        return [result for result in (*self.checks, *self.ties) if not result.holds]

    @property
    def unexplained(self) -> list[rules.Change]:
        """Large changes without an explanation."""
        return [c for c in self.changes if not self.explanations.get(c.code, "").strip()]

    def last_reported(self, code: str) -> Decimal | None:
        """Last year's figure as reported (None when there is none)."""
        if code not in self.last:
            return None
        return to_wan(self.last[code]) if self.form.units.get(code) == "万元" else self.last[code]


@dataclass
class YearTables:
    """Every form of an organisation's year, and where last year's figures came from."""

    org: Organisation
    year: int
    tables: list[Table]
    last_source: LastSource
    closed: bool

    @property
    def failing(self) -> int:
        """How many rules and ties fail, over every table."""
        return sum(len(table.failing) for table in self.tables)

    @property
    def unexplained(self) -> int:
        """How many large changes still lack an explanation."""
        return sum(len(table.unexplained) for table in self.tables)

    def table(self, key: str) -> Table | None:
        """The table of one form."""
        return next((t for t in self.tables if t.form.key == key), None)

    def figures(self) -> dict[str, dict[str, Decimal]]:
        """Every form's exact figures (what a version freezes)."""
        return {table.form.key: dict(table.exact) for table in self.tables}


def _table(form: Form, exact: dict[str, Decimal], source: Any,
           last: Mapping[str, Decimal], explanations: Mapping[str, str]) -> Table:
    shown = rules.reported(exact, form.units)
    report = (lambda value: to_wan(value)) if form.unit == "万元" else (lambda value: value)
    checks = rules.check(form.checks, exact, shown, source, report)
    ties = rules.check(form.ties, exact, shown, source, report)
    found = rules.changes(exact, last, form.yoy, threshold=YOY_THRESHOLD)
    return Table(form, exact, shown, checks, ties, dict(last), found,
                 dict(explanations))


def _computed(org: Organisation, year: int) -> tuple[dict[str, dict[str, Decimal]], Any]:
    source = queries.year_source(org, year)
    figures = {form.key: rules.in_units(rules.evaluate([row.rule for row in form.rows],
                                                       source), form.units)
               for form in forms_of(org.standard)}
    return figures, source


def accepted(org: Organisation, year: int) -> Filing | None:
    """The organisation's accepted version for ``year``, if any."""
    return db.session.scalar(sa.select(Filing).where(
        Filing.organisation_id == org.id, Filing.year == year,
        Filing.state == FilingState.ACCEPTED).order_by(Filing.version.desc()).limit(1))


def versions(org: Organisation, year: int) -> list[Filing]:
    """Every submitted version of the year, newest first."""
    return list(db.session.scalars(sa.select(Filing).where(
        Filing.organisation_id == org.id, Filing.year == year)
        .order_by(Filing.version.desc())))


def frozen_figures(filing: Filing) -> dict[str, dict[str, Decimal]]:
    """A version's exact figures, read back from its frozen contents."""
    body = json.loads(filing.contents)
    return {key: {code: Decimal(text) for code, text in rows.items()}
            for key, rows in body["forms"].items()}


def frozen_explanations(filing: Filing) -> dict[str, dict[str, str]]:
    """A version's explanations by form and row."""
    body = json.loads(filing.contents)
    return {key: dict(rows) for key, rows in body.get("explanations", {}).items()}


def _last_year(org: Organisation, year: int) -> tuple[dict[str, dict[str, Decimal]], LastSource]:
    previous = accepted(org, year - 1)
    if previous is not None:
        return frozen_figures(previous), "filing"
    if queries.is_closed(org, year - 1):
        return _computed(org, year - 1)[0], "books"
    return {}, ""


def written_explanations(org: Organisation, year: int) -> dict[str, dict[str, str]]:
    """The explanations written so far for the year (before it is submitted)."""
    found: dict[str, dict[str, str]] = {}
    for row in db.session.scalars(sa.select(Explanation).where(
            Explanation.organisation_id == org.id, Explanation.year == year)):
        found.setdefault(row.form_key, {})[row.row_code] = row.text
    return found


def year_tables(org: Organisation, year: int, *, filing: Filing | None = None) -> YearTables:
    """The year's tables: from the books now, or as frozen in ``filing``."""
    if filing is None:
        figures, source = _computed(org, year)
        explanations = written_explanations(org, year)
    else:
        source = queries.year_source(org, year)    # the ties compare with the books now
        figures = frozen_figures(filing)
        explanations = frozen_explanations(filing)
    last, last_source = _last_year(org, year)
    tables = [_table(form, figures.get(form.key, {}), source, last.get(form.key, {}),
                     explanations.get(form.key, {}))
              for form in forms_of(org.standard)]
    return YearTables(org, year, tables, last_source, queries.is_closed(org, year))


def differences(filing: Filing, now: YearTables) -> list[tuple[Form, str, Decimal, Decimal]]:
    """Rows whose figure in the books now differs from the submitted version's: (form, row
    code, as submitted, now) — a change in the books after submission shows here."""
    submitted = frozen_figures(filing)
    found = []
    for table in now.tables:
        frozen = submitted.get(table.form.key, {})
        for row in table.form.rows:
            before, after = frozen.get(row.code), table.exact.get(row.code)
            if before is not None and after is not None and before != after:
                found.append((table.form, row.code, before, after))
    return found
