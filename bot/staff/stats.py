"""The numbers of the statistics page, computed from plain records (no I/O, no HTML).

Only clear, coarse fields are counted: the submission week, signs, place, language and the
funnel counts. Nothing here needs what a resident wrote.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.reports.records import FUNNEL_EVENTS, SIGN_IDS, StoredReport

# At most this many weeks are shown in the per-week chart (the most recent ones).
MAX_WEEKS = 26


@dataclass(frozen=True)
class Statistics:
    """Counts for the charts; every sequence is (key, count) in display order."""

    total: int
    per_week: tuple[tuple[datetime.date, int], ...]  # Mondays, oldest first, gaps filled with 0
    per_sign: tuple[tuple[str, int], ...]  # every sign id in SIGN_IDS order
    per_place: tuple[tuple[str, int], ...]  # most reports first, then by name
    per_language: tuple[tuple[str, int], ...]  # most reports first, then by code
    funnel: tuple[tuple[str, int], ...]  # FUNNEL_EVENTS order, summed over all weeks


def weeks_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every Monday from `first` to `last` (both Mondays), inclusive."""
    weeks = []
    day = first
    while day <= last:
        weeks.append(day)
        day += datetime.timedelta(weeks=1)
    return weeks


def per_week(
    reports: Iterable[StoredReport], max_weeks: int = MAX_WEEKS
) -> list[tuple[datetime.date, int]]:
    """Reports per submission week, the last `max_weeks` weeks that have any, gaps as 0."""
    counts = Counter(r.created_week for r in reports)
    if not counts:
        return []
    weeks = weeks_between(min(counts), max(counts))[-max_weeks:]
    return [(week, counts.get(week, 0)) for week in weeks]


def _ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def funnel_totals(funnel: Mapping[datetime.date, Mapping[str, int]]) -> tuple[tuple[str, int], ...]:
    """Started, completed and cancelled conversations summed over all weeks."""
    return tuple(
        (event, sum(int(week.get(event, 0)) for week in funnel.values())) for event in FUNNEL_EVENTS
    )


def compute(
    reports: Iterable[StoredReport], funnel: Mapping[datetime.date, Mapping[str, int]]
) -> Statistics:
    """Every number of the statistics page."""
    reports = list(reports)
    signs = Counter(sign for r in reports for sign in r.signs)
    return Statistics(
        total=len(reports),
        per_week=tuple(per_week(reports)),
        per_sign=tuple((sign, signs.get(sign, 0)) for sign in SIGN_IDS),
        per_place=_ranked(Counter(r.location_place for r in reports)),
        per_language=_ranked(Counter(r.language for r in reports)),
        funnel=funnel_totals(funnel),
    )
