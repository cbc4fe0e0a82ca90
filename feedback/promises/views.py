"""What the promise's pages show, as plain values: the block on a submission's review page
(``_promise_block.html``: the date in force, how it came about, its history, the form for
a new date) and the tutors' capacity page. The admins' report has its own view-model
(``report``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from babel import Locale, dates, numbers
from sqlalchemy import select
from sqlmodel import Session, col
from sqlmodel import select as sqlmodel_select

from feedback.claims import display_name
from feedback.promises.change import MAX_REASON_CHARS, ChangeRefused
from feedback.promises.charts import Chart, Series, bar_chart, column_chart
from feedback.promises.dialogue import DIALOGUE_MEASURES
from feedback.promises.figures import OPEN_MEASURES, SETTLED_MEASURES, Figures, Measure
from feedback.promises.load import QueueLoad, queue_load
from feedback.promises.models import FeedbackPromise, PromiseEvent, PromiseEventKind, PromiseState
from feedback.promises.report import Report
from feedback.promises.rule import promised_day
from kurswerk.core.clock import as_utc, format_locale, local_date
from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_
from lti.models import PlatformUser

_p = FeedbackPromise.__table__  # type: ignore[attr-defined]
_e = PromiseEvent.__table__  # type: ignore[attr-defined]
_u = PlatformUser.__table__  # type: ignore[attr-defined]

CHANGED = "promise_changed"
CHANGED_OVERTAKEN = "promise_changed_overtaken"
"""The ``?done=`` values after a new date (the second: someone changed it first)."""


@dataclass(frozen=True)
class PromiseForm:
    """The form for a new date as typed, and its refusal (shown again)."""

    new_date: str = ""
    reason: str = ""
    error: ChangeRefused | None = None

    def invalid(self, name: str) -> bool:
        return self.error is not None and self.error.field == name


@dataclass(frozen=True)
class HistoryEntry:
    kind: PromiseEventKind
    at: datetime
    actor_name: str  # "" : Kurswerk itself
    old_date: date | None
    new_date: date | None
    reason: str


@dataclass(frozen=True)
class PromiseBlock:
    """The review page's block (``promise`` is None for a submission without one)."""

    promise: FeedbackPromise | None
    history: tuple[HistoryEntry, ...] = ()
    form: PromiseForm = field(default_factory=PromiseForm)
    done: str = ""
    now: datetime | None = None
    warning_hours: int = 24
    max_reason_chars: int = MAX_REASON_CHARS

    @property
    def open(self) -> bool:
        return self.promise is not None and self.promise.state == PromiseState.OPEN

    @property
    def state(self) -> PromiseState | None:
        return PromiseState(self.promise.state) if self.promise else None

    @property
    def overdue(self) -> bool:
        return self.open and self._ends_in() <= timedelta(0)

    @property
    def at_risk(self) -> bool:
        """Open and ending within the warning window (or already ended)."""
        return self.open and self._ends_in() <= timedelta(hours=self.warning_hours)

    def _ends_in(self) -> timedelta:
        assert self.promise is not None and self.now is not None
        return as_utc(self.promise.due_at) - as_utc(self.now)


def review_block(
    session: Session,
    submission_id: int,
    *,
    now: datetime,
    warning_hours: int,
    form: PromiseForm | None = None,
    done: str = "",
) -> PromiseBlock:
    """The block for the submission's latest promise (the submission is the caller's to
    show: the review page checked it)."""
    promise = session.exec(
        sqlmodel_select(FeedbackPromise)
        .where(FeedbackPromise.submission_id == submission_id)
        .order_by(col(FeedbackPromise.id).desc())
        .limit(1)
    ).first()
    if promise is None:
        return PromiseBlock(None)
    rows = session.execute(
        select(_e, _u.c.name.label("actor_name"))
        .outerjoin(_u, _u.c.id == _e.c.actor_user_id)
        .where(_e.c.promise_id == promise.id)
        .order_by(_e.c.id)
    ).all()
    history = tuple(
        HistoryEntry(
            kind=PromiseEventKind(row.kind),
            at=as_utc(row.at),
            actor_name=(
                display_name(row.actor_name, row.actor_user_id) if row.actor_user_id else ""
            ),
            old_date=row.old_date,
            new_date=row.new_date,
            reason=row.reason,
        )
        for row in rows
    )
    return PromiseBlock(
        promise=promise,
        history=history,
        form=form or PromiseForm(),
        done=done if done in (CHANGED, CHANGED_OVERTAKEN) else "",
        now=now,
        warning_hours=warning_hours,
    )


@dataclass(frozen=True)
class CapacityPage:
    """The tutors' page: what this tutor states, the course's total and queue, and the
    date a submission made now would get."""

    stated: int | None
    load: QueueLoad
    target_days: int
    quote: date
    value: str = ""  # as typed, after a refusal
    error: AppError | None = None


def capacity_page(
    session: Session,
    *,
    context_id: int,
    stated: int | None,
    target_days: int,
    now: datetime,
) -> CapacityPage:
    load = queue_load(session, context_id)
    quote = promised_day(local_date(now), target_days, load.waiting, load.weekly_capacity)
    return CapacityPage(stated=stated, load=load, target_days=target_days, quote=quote)


# --- the admins' report ------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A section's figures as a table: one row per group, one column per measure."""

    id: str
    caption: str  # a message id
    head: str  # the first column's heading (a message id)
    rows: tuple[Figures, ...]
    measures: tuple[Measure, ...]
    total: Figures | None = None


@dataclass(frozen=True)
class Section:
    """One part of the report (per month, LMS course, tutor): its charts, and the tables
    of their figures - the promises kept, then what happened after the feedback (read,
    asked, rated: ``dialogue.DIALOGUE_MEASURES``)."""

    id: str
    title: str  # a message id
    intro: str  # a message id
    charts: tuple[Chart, ...]
    tables: tuple[Table, ...]
    more_in_csv: str = ""  # a message id: what only the CSV holds (shown with its link)


_PATTERNS = {
    "days": numbers.parse_pattern("#,##0.#"),
    "count": numbers.parse_pattern("#,##0"),
    "score": numbers.parse_pattern("#,##0.0"),
}
"""Each kind's number pattern, parsed once (a report writes about a thousand numbers);
percentages take the language's own (``87 %``, ``87%``)."""


@lru_cache(maxsize=4096)
def _number(kind: str, value: float, locale: str) -> str:
    """Babel's text of ``value`` (the same few hundred values recur on a page: counts,
    rates and days, so each is formatted once)."""
    where = _where(locale)
    pattern = where.percent_formats[None] if kind == "percent" else _PATTERNS[kind]
    return str(pattern.apply(value, where))


def value_text(measure: Measure, figures: Figures, locale: str) -> str:
    """A measure's value as the page writes it ("–" for none)."""
    value = measure.value(figures)
    return "–" if value is None else _number(measure.kind, value, locale)


@lru_cache(maxsize=16)
def _where(locale: str) -> Locale:
    return format_locale(locale)


def month_text(key: str, locale: str) -> str:
    """``Dez. 2026`` / ``Dec 2026`` for a month's first day (ISO)."""
    return dates.format_skeleton("yMMM", date.fromisoformat(key), locale=_where(locale))


def month_axis_text(key: str, locale: str, *, with_year: bool) -> str:
    """A chart's month under its bar: ``Dez`` (``Jan 26`` for January and the first)."""
    day = date.fromisoformat(key)
    pattern = "LLL yy" if with_year or day.month == 1 else "LLL"
    return dates.format_date(day, pattern, locale=_where(locale))


def _series(name: str, rows: tuple[Figures, ...], measure: Measure, locale: str) -> Series:
    values = tuple(measure.value(f) for f in rows)
    shown = tuple(
        None if v is None else (v * 100 if measure.kind == "percent" else float(v)) for v in values
    )
    return Series(name, shown, tuple(value_text(measure, f, locale) for f in rows))


def _percent_ticks(locale: str) -> list[str]:
    return [_number("percent", n / 4, locale) for n in range(5)]


_DIALOGUE = {m.key: m for m in DIALOGUE_MEASURES}
MEASURES = {m.key: m for m in SETTLED_MEASURES + OPEN_MEASURES + DIALOGUE_MEASURES}
"""Every measure by key (the report's summary names them)."""
READ_TEXT = N_("Anteil der freigegebenen Feedbacks, die die Teilnehmenden geöffnet haben.")
QUESTIONS_TEXT = N_("Rückfragen zum Feedback: gestellt und davon beantwortet.")
HELPFUL_TEXT = N_("Anteil der Bewertungen mit 4 oder 5 von 5 („hilfreich“, „sehr hilfreich“).")
ON_TIME_TEXT = N_("Anteil der Feedbacks, die bis zum zugesagten Tag freigegeben wurden.")


def _after(
    draw: Any,
    ids: str,
    titles: tuple[str, str, str],
    names: list[str],
    rows: tuple[Figures, ...],
    locale: str,
) -> tuple[Chart, ...]:
    """The charts of what happened after the feedback: read rate, questions (asked and
    answered), helpful ratings; ``draw`` is ``column_chart`` or ``bar_chart``."""
    ticks = {"tick_texts": _percent_ticks(locale)} if draw is column_chart else {}

    def one(key: str, title: str, text: str, *keys: str, **kw: Any) -> Chart:
        series = [_series(_DIALOGUE[k].label, rows, _DIALOGUE[k], locale) for k in keys]
        return draw(f"{ids}-{key}", title, text, names, series, **kw)

    return (
        one("read", titles[0], READ_TEXT, "read_rate", top=100, **ticks),
        one("questions", titles[1], QUESTIONS_TEXT, "questions", "questions_answered"),
        one("helpful", titles[2], HELPFUL_TEXT, "helpful_rate", top=100, **ticks),
    )


TOP_TUTORS = 10
"""The tutors the page shows (the most released feedback); the CSV holds every one."""


def top_tutors(rows: tuple[Figures, ...]) -> tuple[Figures, ...]:
    """The :data:`TOP_TUTORS` tutors with the most settled promises (then by name)."""
    return tuple(sorted(rows, key=lambda f: (-f.settled, f.label.casefold()))[:TOP_TUTORS])


def report_sections(report: Report, locale: str) -> tuple[Section, ...]:
    rate, median, p90 = SETTLED_MEASURES[3], SETTLED_MEASURES[4], SETTLED_MEASURES[5]
    at_risk, overdue = OPEN_MEASURES[1], OPEN_MEASURES[2]
    months = tuple(replace(f, label=month_text(f.key, locale)) for f in report.by_month)
    month_names = [
        month_axis_text(f.key, locale, with_year=not n) for n, f in enumerate(report.by_month)
    ]
    courses = [f.label for f in report.by_course]
    top = top_tutors(report.by_tutor)
    tutor_measures = (
        SETTLED_MEASURES[0], rate, median, p90, _DIALOGUE["read_rate"], _DIALOGUE["questions"],
        _DIALOGUE["rating_average"], _DIALOGUE["helpful_rate"],
    )  # fmt: skip
    total = report.total
    return (
        Section(
            "kw-report-months",
            N_("Je Monat"),
            N_("Nach dem Monat, in dem das Feedback freigegeben wurde; Rückfragen nach dem "
               "Monat, in dem sie gestellt wurden."),
            (
                column_chart(
                    "kw-chart-month-rate", N_("Pünktlichkeit je Monat"), ON_TIME_TEXT,
                    month_names, [_series(rate.label, months, rate, locale)],
                    top=100, tick_texts=_percent_ticks(locale),
                ),
                column_chart(
                    "kw-chart-month-turnaround", N_("Dauer bis zum Feedback je Monat"),
                    N_("Arbeitstage vom Einreichen bis zur Freigabe: Median und 90. Perzentil."),
                    month_names,
                    [_series(median.label, months, median, locale),
                     _series(p90.label, months, p90, locale)],
                ),
                *_after(
                    column_chart, "kw-chart-month",
                    (N_("Gelesen je Monat"), N_("Rückfragen je Monat"),
                     N_("Als hilfreich bewertet je Monat")),
                    month_names, months, locale,
                ),
            ),
            (
                Table("kw-report-months-promises", N_("Zusagen je Monat"), N_("Monat"), months,
                      SETTLED_MEASURES, total),
                Table("kw-report-months-after", N_("Nach dem Feedback je Monat"), N_("Monat"),
                      months, DIALOGUE_MEASURES, total),
            ),
        ),
        Section(
            "kw-report-courses",
            N_("Je LMS-Kurs"),
            N_("Freigegebene Feedbacks, offene Zusagen und was nach dem Feedback geschah, je "
               "LMS-Kurs."),
            (
                bar_chart(
                    "kw-chart-course-rate", N_("Pünktlichkeit je LMS-Kurs"), ON_TIME_TEXT,
                    courses, [_series(rate.label, report.by_course, rate, locale)], top=100,
                ),
                bar_chart(
                    "kw-chart-course-risk", N_("Gefährdete Zusagen je LMS-Kurs"),
                    N_("Offene Zusagen, deren Tag bald endet oder schon vorbei ist."),
                    courses,
                    [_series(at_risk.label, report.by_course, at_risk, locale),
                     _series(overdue.label, report.by_course, overdue, locale)],
                ),
                *_after(
                    bar_chart, "kw-chart-course",
                    (N_("Gelesen je LMS-Kurs"), N_("Rückfragen je LMS-Kurs"),
                     N_("Als hilfreich bewertet je LMS-Kurs")),
                    courses, report.by_course, locale,
                ),
            ),
            (
                Table("kw-report-courses-promises", N_("Zusagen je LMS-Kurs"), N_("LMS-Kurs"),
                      report.by_course, SETTLED_MEASURES + OPEN_MEASURES, total),
                Table("kw-report-courses-after", N_("Nach dem Feedback je LMS-Kurs"),
                      N_("LMS-Kurs"), report.by_course, DIALOGUE_MEASURES, total),
            ),
        ),
        Section(
            "kw-report-tutors",
            N_("Je Tutor:in"),
            N_("Nach der Person, die das Feedback freigegeben hat: die zehn mit den meisten "
               "freigegebenen Feedbacks."),
            (
                bar_chart(
                    "kw-chart-tutor-rate", N_("Pünktlichkeit je Tutor:in"), ON_TIME_TEXT,
                    [f.label for f in top], [_series(rate.label, top, rate, locale)], top=100,
                ),
            ),
            (
                Table("kw-report-tutors-top",
                      N_("Die zehn Tutor:innen mit den meisten freigegebenen Feedbacks"),
                      N_("Tutor:in"), top, tutor_measures),
            ),
            more_in_csv=N_("Alle Tutor:innen mit allen Zahlen enthält die CSV-Datei."),
        ),
    )  # fmt: skip
