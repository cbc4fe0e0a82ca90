"""The admins' report of promises kept (issue 14, "Admins see the promise kept"): for the
LMS courses of the admin's platform (or one of them), over the last :data:`MONTHS`
months, the settled promises per LMS course, tutor and month (count, on time, turnaround
median and 90th percentile in working days: ``figures``), and the open promises at risk:
ending within ``KURSWERK_PROMISE_WARNING_HOURS`` or ended, with nothing released.

Settled promises are read from ``feedback_promise_month_tally`` (counts per LMS course,
tutor and month, the turnarounds one column per working day, written at each release):
one grouped sum per grain (LMS course, tutor, month) over a few hundred rows, however
many promises there were. Only a grain with a turnaround longer than the month tally's
columns (``days_over``) takes its turnarounds from ``feedback_promise_tally`` (counts
per turnaround), so the percentiles stay exact. Open ones come from ``feedback_promise``
through its ``(context_id, state, due_at)`` index: three grouped counts (open, ending
within the window, ended) that each read a range of it, and the :data:`AT_RISK_LIMIT`
most urgent, oldest date first. A month is a calendar month in the course's time zone,
counted by the day of release. The statements are built once, with bound parameters.

What happened after the feedback - read rate, follow-up questions, ratings - joins each
group as ``Figures.extra`` (``feedback.promises.dialogue``: a grouped read of the
dialogue's tally per grain, and one over the open questions); a group with only such
figures (a tutor whose feedback had no promise) is shown too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, literal, select, union_all
from sqlmodel import Session

from course.models import Exercise
from feedback.claims import display_name
from feedback.models import ReviewClaim
from feedback.promises.dialogue import EMPTY, dialogue_groups
from feedback.promises.figures import Figures, combined
from feedback.promises.models import (
    DAY_COLUMNS,
    MONTH_TALLY_COUNTS,
    FeedbackPromise,
    PromiseState,
    PromiseTally,
    promise_month_tally,
)
from kurswerk.core.clock import as_utc, local_date
from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_
from lti.models import LmsContext, PlatformUser
from uploads.models import Submission

MONTHS = 12
AT_RISK_LIMIT = 50
NO_SUCH_COURSE = N_("Diesen LMS-Kurs gibt es auf Ihrer Plattform nicht.")

_t = PromiseTally.__table__  # type: ignore[attr-defined]
_m = promise_month_tally
_p = FeedbackPromise.__table__  # type: ignore[attr-defined]
_c = LmsContext.__table__  # type: ignore[attr-defined]
_u = PlatformUser.__table__  # type: ignore[attr-defined]
_s = Submission.__table__  # type: ignore[attr-defined]
_e = Exercise.__table__  # type: ignore[attr-defined]
_claims = ReviewClaim.__table__  # type: ignore[attr-defined]
_holder = PlatformUser.__table__.alias("holder")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class RiskRow:
    """An open promise at risk."""

    submission_id: int
    context_id: int
    course_title: str
    learner_name: str
    exercise_title: str
    due_on: date
    overdue: bool
    holder_name: str  # who claimed it ("" : nobody)


@dataclass(frozen=True)
class Report:
    courses: tuple[tuple[int, str], ...]  # the platform's LMS courses (id, title)
    course_id: int | None  # the one chosen, or None: all
    since: date  # the first day of the first month
    total: Figures
    by_course: tuple[Figures, ...]
    by_tutor: tuple[Figures, ...]
    by_month: tuple[Figures, ...]  # oldest first, every month of the span
    at_risk: tuple[RiskRow, ...]
    warning_hours: int


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _histograms(rows: Any) -> dict[Any, tuple[int, int, int, list[tuple[int, int]]]]:
    """Grouped tally rows (key, turnaround, kept, missed, moved) by key."""
    groups: dict[Any, list[Any]] = defaultdict(lambda: [0, 0, 0, []])
    for key, days, kept, missed, moved in rows:
        group = groups[key]
        group[0] += int(kept)
        group[1] += int(missed)
        group[2] += int(moved)
        group[3].append((int(days), int(kept) + int(missed)))
    return {key: (g[0], g[1], g[2], sorted(g[3])) for key, g in groups.items()}


def _tally(session: Session, column: Any, scope: Any, since: date) -> Any:
    return session.execute(
        select(
            column,
            _t.c.turnaround_days,
            func.sum(_t.c.kept),
            func.sum(_t.c.missed),
            func.sum(_t.c.moved),
        )
        .where(_t.c.month >= since, scope)
        .group_by(column, _t.c.turnaround_days)
    ).all()


Found = dict[Any, tuple[int, int, int, list[tuple[int, int]]]]
_GRAINS = {"context": "context_id", "tutor": "tutor_user_id", "month": "month"}


def _sums_statement(grain: str) -> Any:
    column = _m.c[_GRAINS[grain]]
    return (
        select(column, *(func.sum(_m.c[name]) for name in MONTH_TALLY_COUNTS))
        .where(
            _m.c.month >= bindparam("since"),
            _m.c.context_id.in_(bindparam("contexts", expanding=True)),
        )
        .group_by(column)
    )


_SUMS = {grain: _sums_statement(grain) for grain in _GRAINS}
"""Per grain: the month tally's counts summed (built once; bound: ``since``,
``contexts``)."""


def _grouped(session: Session, grain: str, chosen: list[int], since: date) -> Found:
    """Kept, missed, moved and the turnarounds' histogram per group of ``grain``."""
    found: Found = {}
    longer = False
    for key, kept, missed, moved, *days in session.execute(
        _SUMS[grain], {"since": since, "contexts": chosen}
    ):
        *per_day, over = (int(n) for n in days)
        longer = longer or over > 0
        histogram = [(n, count) for n, count in enumerate(per_day) if count]
        found[key] = (int(kept), int(missed), int(moved), histogram)
    if longer:  # a turnaround beyond the columns: the exact histograms per turnaround
        column = _t.c[_GRAINS[grain]]
        exact = _histograms(_tally(session, column, _t.c.context_id.in_(chosen), since))
        found = {key: (*counts[:3], exact[key][3]) for key, counts in found.items()}
    return found


assert len(MONTH_TALLY_COUNTS) == 3 + len(DAY_COLUMNS) + 1


def _figures(key: Any, label: str, found: tuple[int, int, int, list[tuple[int, int]]]) -> Figures:
    kept, missed, moved, histogram = found
    return Figures(str(key), label, kept, missed, moved, tuple(histogram))


def build_report(
    session: Session,
    *,
    platform_id: int,
    course_id: int | None,
    now: datetime,
    warning_hours: int,
) -> Report:
    """The report for the admin's platform (``course_id``: one of its LMS courses)."""
    courses = tuple(
        (int(row.id), row.title or row.lms_context_id)
        for row in session.execute(
            select(_c.c.id, _c.c.title, _c.c.lms_context_id)
            .where(_c.c.platform_id == platform_id)
            .order_by(_c.c.title, _c.c.id)
        ).all()
    )
    titles = dict(courses)
    if course_id is not None and course_id not in titles:
        raise AppError(NO_SUCH_COURSE, 400, reason=f"course {course_id} not on the platform")
    chosen = [course_id] if course_id is not None else list(titles)
    now = as_utc(now)
    months = month_starts(local_date(now))
    since = months[0]

    per_course = _grouped(session, "context", chosen, since)
    per_tutor = _grouped(session, "tutor", chosen, since)
    per_month = _grouped(session, "month", chosen, since)
    opened = _open_counts(session, chosen, now, warning_hours)
    after = dialogue_groups(
        session, context_ids=chosen, since=since, until=_next_month(months[-1]), now=now
    )
    empty: tuple[int, int, int, list[tuple[int, int]]] = (0, 0, 0, [])

    by_course = tuple(
        replace(
            _with_open(_figures(cid, titles[cid], per_course.get(cid, empty)), opened.get(cid)),
            extra=after.by_course.get(cid, EMPTY),
        )
        for cid in chosen
        if cid in per_course or cid in opened or cid in after.by_course
    )
    tutor_ids = sorted(set(per_tutor) | set(after.by_tutor))
    names = _names(session, tutor_ids)
    by_tutor = tuple(
        sorted(
            (
                replace(
                    _figures(uid, names.get(uid, f"#{uid}"), per_tutor.get(uid, empty)),
                    extra=after.by_tutor.get(uid, EMPTY),
                )
                for uid in tutor_ids
            ),
            key=lambda f: f.label.casefold(),
        )
    )
    by_month = tuple(
        replace(
            _figures(start.isoformat(), start.isoformat(), per_month.get(start, empty)),
            extra=after.by_month.get(start, EMPTY),
        )
        for start in months
    )
    return Report(
        courses=courses,
        course_id=course_id,
        since=since,
        total=replace(combined("all", "", by_course), extra=after.total),
        by_course=by_course,
        by_tutor=by_tutor,
        by_month=by_month,
        at_risk=_at_risk(session, chosen, titles, now, warning_hours),
        warning_hours=warning_hours,
    )


def _with_open(figures: Figures, counts: tuple[int, int, int] | None) -> Figures:
    opened, at_risk, overdue = counts or (0, 0, 0)
    return Figures(
        figures.key, figures.label, figures.kept, figures.missed, figures.moved,
        figures.histogram, opened, at_risk, overdue,
    )  # fmt: skip


def _open_statement() -> Any:
    """Open promises per LMS course (kind 0), of those ending by ``until`` (1) and ended
    by ``now`` (2): each a range of ``ix_feedback_promise_context_due``."""
    contexts: Any = bindparam("contexts", expanding=True)

    def count(kind: int, *ending: Any) -> Any:
        return (
            select(literal(kind).label("kind"), _p.c.context_id, func.count().label("n"))
            .where(_p.c.context_id.in_(contexts), _p.c.state == PromiseState.OPEN.value, *ending)
            .group_by(_p.c.context_id)
        )

    return union_all(
        count(0),
        count(1, _p.c.due_at <= bindparam("until")),
        count(2, _p.c.due_at <= bindparam("now")),
    )


_OPEN = _open_statement()


def _open_counts(
    session: Session, chosen: list[int], now: datetime, warning_hours: int
) -> dict[int, tuple[int, int, int]]:
    """Open promises per LMS course: all, at risk (ending within the window), overdue."""
    until = now + timedelta(hours=warning_hours)
    counts: dict[int, list[int]] = {}
    for kind, context_id, n in session.execute(
        _OPEN, {"contexts": chosen, "until": until, "now": now}
    ):
        counts.setdefault(int(context_id), [0, 0, 0])[int(kind)] = int(n)
    return {cid: (found[0], found[1], found[2]) for cid, found in counts.items()}


def _names(session: Session, user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = session.execute(select(_u.c.id, _u.c.name).where(_u.c.id.in_(user_ids))).all()
    return {int(uid): display_name(name, uid) for uid, name in rows}


def _at_risk(
    session: Session,
    chosen: list[int],
    titles: dict[int, str],
    now: datetime,
    warning_hours: int,
) -> tuple[RiskRow, ...]:
    """The most urgent open promises: ending within the window or ended, oldest first."""
    until = now + timedelta(hours=warning_hours)
    learner = _u.alias("learner")
    rows = session.execute(
        select(
            _p.c.submission_id,
            _p.c.context_id,
            _p.c.due_on,
            _p.c.due_at,
            learner.c.id.label("learner_id"),
            learner.c.name.label("learner_name"),
            _e.c.title.label("exercise_title"),
            _holder.c.id.label("holder_id"),
            _holder.c.name.label("holder_name"),
        )
        .select_from(
            _p.join(_s, _s.c.id == _p.c.submission_id)
            .join(learner, learner.c.id == _s.c.user_id)
            .join(_e, _e.c.id == _s.c.exercise_id)
            .outerjoin(_claims, _claims.c.submission_id == _p.c.submission_id)
            .outerjoin(_holder, _holder.c.id == _claims.c.tutor_user_id)
        )
        .where(
            and_(
                _p.c.state == PromiseState.OPEN.value,
                _p.c.due_at <= until,
                _p.c.context_id.in_(chosen),
            )
        )
        .order_by(_p.c.due_at, _p.c.id)
        .limit(AT_RISK_LIMIT)
    ).all()
    return tuple(
        RiskRow(
            submission_id=row.submission_id,
            context_id=row.context_id,
            course_title=titles.get(row.context_id, ""),
            learner_name=display_name(row.learner_name, row.learner_id),
            exercise_title=row.exercise_title,
            due_on=row.due_on,
            overdue=as_utc(row.due_at) <= now,
            holder_name=display_name(row.holder_name, row.holder_id) if row.holder_id else "",
        )
        for row in rows
    )
