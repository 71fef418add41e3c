"""The disclosure calendar of an organisation, computed (never typed): each period since the
books opened (five years at most; a period that ended before they opened is not listed) with
its deadline, its state against that deadline and its versions; and the warnings it gives —
disclosures missing or due, and members' questions left unanswered longer than the configured
number of days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from coopledger.disclosure import rules, services
from coopledger.disclosure.models import Disclosure, DisclosureState, Question
from coopledger.ledger.books import get_book
from coopledger.orgs.models import Organisation


@dataclass(frozen=True)
class Row:
    """One period of the calendar."""

    period: rules.Period
    due_by: dt.date
    state: rules.CalendarState
    versions: list[Disclosure]


def calendar(org: Organisation, on: dt.date) -> list[Row]:
    """Every period from this year back to the year the books opened, newest first."""
    settings = services.settings_of(org)
    opened = get_book(org).opened_on
    earliest = max(opened.year if opened else on.year, on.year - 4)
    rows = []
    for year in range(on.year, earliest - 1, -1):
        for period in rules.periods(settings.frequency, year, opened=opened):
            versions = services.versions_of(org, period.key)
            published = [v for v in versions if v.state is DisclosureState.PUBLISHED]
            first = published[0].posted_from if published else None
            due_by = rules.deadline(period, day=settings.deadline_day)
            rows.append(Row(period, due_by, rules.calendar_state(
                period, due_by=due_by, published_on=first, today=on), versions))
    return rows


@dataclass
class Warnings:
    """What the accountant's home shows about disclosures."""

    missing: list[Row] = field(default_factory=list)
    due: list[Row] = field(default_factory=list)
    unanswered: list[Question] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing or self.due or self.unanswered)


def warnings(org: Organisation, on: dt.date, *, question_days: int) -> Warnings:
    """Missing and due disclosures, and questions waiting too long."""
    rows = calendar(org, on)
    return Warnings(
        missing=[r for r in rows if r.state is rules.CalendarState.MISSING],
        due=[r for r in rows if r.state is rules.CalendarState.DUE],
        unanswered=services.unanswered(org, older_than_days=question_days))
