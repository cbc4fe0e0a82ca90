"""The report's figures for one group of settled promises (an LMS course, a tutor, a
month, or all): counts, on-time rate and turnaround, computed from a histogram of
turnarounds in working days (``feedback_promise_tally``), and the measures the report's
tables, charts and CSV show.

Percentiles, on the turnarounds of a group's settled promises (``n`` of them, sorted):

* median: the middle one (odd ``n``), or the mean of the two middle ones (even ``n``),
  as ``statistics.median``;
* 90th percentile: nearest rank, the ``ceil(0.9 n)``-th smallest; a turnaround that 90 %
  of the group's feedback did not exceed.

A group without settled promises has no rate and no turnaround (``None``, shown as "–").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kurswerk.core.i18n import N_


@dataclass(frozen=True)
class Figures:
    """One group's figures; ``key`` identifies it (an id or a month, for the CSV)."""

    key: str
    label: str
    kept: int = 0
    missed: int = 0
    moved: int = 0
    histogram: tuple[tuple[int, int], ...] = ()  # (turnaround in working days, promises)
    open: int | None = None  # open promises (per LMS course and in total only)
    at_risk: int | None = None  # of those, ending within the warning window or ended
    overdue: int | None = None  # of those, ended
    extra: dict[str, float | None] = field(default_factory=dict, compare=False)
    """What happened after the group's feedback (read rate, follow-up questions,
    ratings), by measure key (``feedback.promises.dialogue.DIALOGUE_MEASURES``)."""

    @property
    def settled(self) -> int:
        return self.kept + self.missed

    @property
    def on_time_rate(self) -> float | None:
        """Kept of settled, 0 to 1."""
        return self.kept / self.settled if self.settled else None

    def _nth(self, rank: int) -> int:
        """The ``rank``-th smallest turnaround (1-based)."""
        seen = 0
        for days, count in self.histogram:
            seen += count
            if seen >= rank:
                return days
        raise IndexError(rank)

    @property
    def median(self) -> float | None:
        n = sum(count for _, count in self.histogram)
        if not n:
            return None
        if n % 2:
            return float(self._nth(n // 2 + 1))
        return (self._nth(n // 2) + self._nth(n // 2 + 1)) / 2

    @property
    def p90(self) -> int | None:
        n = sum(count for _, count in self.histogram)
        return self._nth(math.ceil(0.9 * n)) if n else None


def combined(key: str, label: str, groups: Iterable[Figures]) -> Figures:
    """The figures of several groups together (the whole report)."""
    kept = missed = moved = 0
    histogram: dict[int, int] = {}
    opened = at_risk = overdue = 0
    for group in groups:
        kept, missed, moved = kept + group.kept, missed + group.missed, moved + group.moved
        for days, count in group.histogram:
            histogram[days] = histogram.get(days, 0) + count
        opened += group.open or 0
        at_risk += group.at_risk or 0
        overdue += group.overdue or 0
    return Figures(
        key, label, kept, missed, moved, tuple(sorted(histogram.items())), opened, at_risk, overdue
    )


@dataclass(frozen=True)
class Measure:
    """A column of the report's tables and CSV: ``value`` of a group's figures."""

    key: str  # the CSV column
    label: str  # a message id
    kind: str  # "count", "percent" (0 to 1), "days" or "score" (a rating's mean, 1 to 5)
    value: Callable[[Figures], float | int | None]


SETTLED_MEASURES: tuple[Measure, ...] = (
    Measure("settled", N_("Freigegeben"), "count", lambda f: f.settled),
    Measure("kept", N_("Pünktlich"), "count", lambda f: f.kept),
    Measure("missed", N_("Verspätet"), "count", lambda f: f.missed),
    Measure("on_time_rate", N_("Pünktlichkeit"), "percent", lambda f: f.on_time_rate),
    Measure("turnaround_median", N_("Dauer (Median)"), "days", lambda f: f.median),
    Measure("turnaround_p90", N_("Dauer (90. Perzentil)"), "days", lambda f: f.p90),
    Measure("moved", N_("Mit neuem Datum"), "count", lambda f: f.moved),
)
"""What the tables per LMS course, tutor and month show of settled promises (what
happened after the feedback: ``feedback.promises.dialogue.DIALOGUE_MEASURES``)."""

OPEN_MEASURES: tuple[Measure, ...] = (
    Measure("open", N_("Offen"), "count", lambda f: f.open),
    Measure("at_risk", N_("Gefährdet"), "count", lambda f: f.at_risk),
    Measure("overdue", N_("Überfällig"), "count", lambda f: f.overdue),
)
"""What the table per LMS course adds of open promises."""
