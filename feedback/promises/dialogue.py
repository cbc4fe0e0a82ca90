"""What happened after the feedback, for the groups of the admins' report (issue 14,
"Admins see the promise kept"): read rate, follow-up questions and ratings per LMS
course, tutor and month, as the measures of :data:`DIALOGUE_MEASURES` in each group's
``Figures.extra``.

Read from the dialogue's tally (``feedback.dialogue.tallied``: one query over a few
hundred counts, one over the open questions) and summed to each grain with
``feedback.dialogue.figures.roll_up``, so every rate is computed from sums. Feedback,
its readings and ratings count in the month it was *released*; questions in the month
they were *asked*. "Helpful" is a rating of 4 or 5 on the scale of 1 to 5.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from feedback.dialogue.figures import FollowUpFigures, Grain, RatingFigures, ReadFigures, roll_up
from feedback.dialogue.tallied import dialogue_figures
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


def extra_of(
    read: ReadFigures | None, followup: FollowUpFigures | None, rating: RatingFigures | None
) -> Extra:
    """One group's measures (counts 0 and rates None where nothing happened)."""
    released = read.released if read else 0
    asked = followup.asked if followup else 0
    summary = rating.summary if rating else None
    count = summary.count if summary else 0
    helpful = sum(summary.distribution[s - 1] for s in HELPFUL_SCORES) if summary else 0
    return {
        "released_feedback": released,
        "read": read.read if read else 0,
        "read_rate": read.read_rate if read else None,
        "questions": asked,
        "questions_answered": followup.answered if followup else 0,
        "answers_on_time_rate": followup.on_time_rate if followup else None,
        "questions_open": followup.open if followup else 0,
        "questions_overdue": followup.open_overdue if followup else 0,
        "ratings": count,
        "rating_average": summary.average if summary else None,
        "helpful_rate": helpful / count if count else None,
    }


EMPTY: Extra = extra_of(None, None, None)


@dataclass(frozen=True)
class DialogueGroups:
    """Each group's measures: per LMS course (id), tutor (user id), month (first day),
    and all together."""

    by_course: dict[int, Extra]
    by_tutor: dict[int, Extra]
    by_month: dict[date, Extra]
    total: Extra


def _grouped(found: Any, by: Grain, attribute: str) -> dict[Any, Extra]:
    parts: dict[Any, list[Any]] = {}
    for n, rows in enumerate((found.reads, found.followups, found.ratings)):
        for row in roll_up(rows, by={by}):
            parts.setdefault(getattr(row, attribute), [None, None, None])[n] = row
    return {key: extra_of(*part) for key, part in parts.items()}


def dialogue_groups(
    session: Session,
    *,
    context_ids: Collection[int],
    since: date,
    until: date,
    now: datetime,
) -> DialogueGroups:
    """The measures of the months from ``since``'s up to (without) ``until``'s."""
    found = dialogue_figures(session, since=since, until=until, now=now, context_ids=context_ids)
    read = next(iter(roll_up(found.reads, by=())), None)
    asked = next(iter(roll_up(found.followups, by=())), None)
    rated = next(iter(roll_up(found.ratings, by=())), None)
    return DialogueGroups(
        by_course=_grouped(found, "context", "context_id"),
        by_tutor=_grouped(found, "tutor", "tutor_user_id"),
        by_month=_grouped(found, "month", "month"),
        total=extra_of(read, asked, rated),
    )
