"""What happened after the feedback, for the groups of the admins' report (issue 14,
"Admins see the promise kept"): read rate, follow-up questions and ratings per LMS
course, tutor and month, as the measures of :data:`DIALOGUE_MEASURES` in each group's
``Figures.extra``.

Read from the dialogue's tally (``feedback.dialogue.tallied.summed``: per grain one
grouped query over a few hundred counts, and one over the open questions), so every
rate is computed from sums. Feedback,
its readings and ratings count in the month it was *released*; questions in the month
they were *asked*. "Helpful" is a rating of 4 or 5 on the scale of 1 to 5.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from feedback.dialogue.figures import Grain
from feedback.dialogue.tallied import Sums, summed
from feedback.promises.figures import Figures, Measure
from kurswerk.core.i18n import N_

HELPFUL_SCORES = (4, 5)

Extra = dict[str, float | None]


def _extra(f: Figures, key: str) -> float | None:
    return f.extra.get(key)


def _measure(key: str, label: str, kind: str) -> Measure:
    return Measure(key, label, kind, lambda f: _extra(f, key))


DIALOGUE_MEASURES: tuple[Measure, ...] = (
    _measure("released_feedback", N_("Freigegeben"), "count"),
    _measure("read", N_("Gelesen"), "count"),
    _measure("read_rate", N_("Lesequote"), "percent"),
    _measure("questions", N_("Rückfragen"), "count"),
    _measure("questions_answered", N_("Beantwortet"), "count"),
    _measure("answers_on_time_rate", N_("Antwort pünktlich"), "percent"),
    _measure("questions_open", N_("Rückfragen offen"), "count"),
    _measure("questions_overdue", N_("Antwort überfällig"), "count"),
    _measure("ratings", N_("Bewertet"), "count"),
    _measure("rating_average", N_("Bewertung (Mittel, 1–5)"), "score"),
    _measure("helpful_rate", N_("Hilfreich (4–5)"), "percent"),
)
"""What the report's second table of each part shows (and the CSV)."""


def extra_of(sums: Sums | None) -> Extra:
    """One group's measures (counts 0 and rates None where nothing happened)."""
    sums = sums or Sums()
    read, followup, summary = sums.reads, sums.followups, sums.summary
    helpful = sum(summary.distribution[s - 1] for s in HELPFUL_SCORES)
    return {
        "released_feedback": sums.released,
        "read": sums.read,
        "read_rate": read.read_rate,
        "questions": sums.asked,
        "questions_answered": sums.answered,
        "answers_on_time_rate": followup.on_time_rate,
        "questions_open": sums.open,
        "questions_overdue": sums.open_overdue,
        "ratings": summary.count,
        "rating_average": summary.average,
        "helpful_rate": helpful / summary.count if summary.count else None,
    }


EMPTY: Extra = extra_of(None)


@dataclass(frozen=True)
class DialogueGroups:
    """Each group's measures: per LMS course (id), tutor (user id), month (first day),
    and all together."""

    by_course: dict[int, Extra]
    by_tutor: dict[int, Extra]
    by_month: dict[date, Extra]
    total: Extra


def dialogue_groups(
    session: Session,
    *,
    context_ids: Collection[int],
    since: date,
    until: date,
    now: datetime,
) -> DialogueGroups:
    """The measures of the months from ``since``'s up to (without) ``until``'s."""
    found = summed(
        session,
        grains=("context", "tutor", "month", None),
        since=since,
        until=until,
        now=now,
        context_ids=context_ids,
    )

    def per(by: Grain) -> dict[Any, Extra]:
        return {key: extra_of(sums) for key, sums in found[by].items()}

    return DialogueGroups(
        by_course=per("context"),
        by_tutor=per("tutor"),
        by_month=per("month"),
        total=extra_of(found[None].get(None)),
    )
