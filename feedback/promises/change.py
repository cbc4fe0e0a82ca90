"""A new promised date, announced by a tutor or admin of the course with a reason (issue
14, "Before a promise slips"); the learner is told at once by email.

:func:`announce_new_date` checks what needs no database first - the date as typed (the
page's date pattern or ISO), a working day (no weekend, no public holiday of the
course's region), today or later and within :data:`MAX_AHEAD_DAYS`, a reason of at most
:data:`MAX_REASON_CHARS` characters - and refuses with the field at fault
(:class:`ChangeRefused`); nothing is written then. Only the staff of the submission's
LMS course reach it (anyone else: 404, ``feedback.access``).

Two people changing one promise at once are serialised on the promise's row
(``kurswerk.core.db.lock_row``): the second waits for the first to commit, then reads the
date the first set and applies its own on top. Both changes are recorded (events with the
date each replaced), the learner gets a mail for each, in order, and the last mail names
the date in force. A change that arrives after the feedback was released (or a new
version superseded the promise) is refused with 409.

Each change: the date in force and its end (``due_at``), one more ``revision``, the
warning cleared (the new date gets its own, ``warnings``), an event (who, when, old date,
new date, reason) and the learner's mail (template ``promise_changed``), all in the
caller's transaction. Flushes, never commits.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from feedback.access import submission_for_staff
from feedback.facts import submission_facts
from feedback.promises.models import FeedbackPromise, PromiseEvent, PromiseEventKind, PromiseState
from feedback.promises.rule import day_end
from kurswerk.core import date_input, mail
from kurswerk.core.auth import Principal, Role
from kurswerk.core.clock import is_working_day, local_date, utcnow
from kurswerk.core.db import lock_row
from kurswerk.core.email_links import EmailLinks, LinkReader
from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_
from kurswerk.core.outbox.queue import enqueue_email
from kurswerk.core.paths import path_for

MAX_REASON_CHARS = 1000
MAX_AHEAD_DAYS = 366
EMAIL_TEMPLATE = "promise_changed"

_p = FeedbackPromise.__table__  # type: ignore[attr-defined]


class ChangeRefused(AppError):
    """A new date refused; ``field`` names the form field at fault (``None``: the promise
    itself). Nothing was written."""

    status_code = 422

    def __init__(
        self, message: str, *, field: str | None, status: int = 422, reason: str, **params: object
    ) -> None:
        super().__init__(message, status, reason=reason, params=dict(params))
        self.field = field


NO_DATE = N_("Bitte geben Sie das neue Datum im Format %(format)s ein, zum Beispiel %(example)s.")
IN_THE_PAST = N_(
    "Der %(day)s liegt in der Vergangenheit. Bitte wählen Sie heute oder einen späteren Tag."
)
NOT_A_WORKING_DAY = N_(
    "Der %(day)s ist kein Arbeitstag (Wochenende oder Feiertag). Bitte wählen Sie einen Arbeitstag."
)
TOO_FAR = N_("Bitte wählen Sie einen Tag innerhalb eines Jahres.")
SAME_DATE = N_("Der %(day)s ist bereits das zugesagte Datum. Es wurde nichts geändert.")
NO_REASON = N_("Bitte nennen Sie einen Grund: Die Teilnehmerin oder der Teilnehmer liest ihn.")
REASON_TOO_LONG = N_("Der Grund ist mit %(length)s Zeichen zu lang (höchstens %(limit)s).")
SETTLED = N_(
    "Für diese Einreichung gilt keine offene Zusage mehr (das Feedback ist freigegeben oder "
    "eine neue Fassung ist da). Es wurde nichts geändert."
)
NO_PROMISE = N_("Für diese Einreichung ist kein Datum zugesagt. Es wurde nichts geändert.")


@dataclass(frozen=True)
class DateChange:
    promise_id: int
    old_date: date
    new_date: date
    revision: int  # after this change
    overtaken: bool  # someone else changed the date after the form was shown


def clean_reason(raw: str) -> str:
    """The reason as stored: line breaks normalised, control characters removed, trimmed."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    return text.strip()


def checked_date(text: str, locale: str, today: date) -> date:
    """The typed new date, if it may be promised; :class:`ChangeRefused` otherwise."""
    try:
        day = date_input.parse_input(text, locale)
    except ValueError:
        raise ChangeRefused(
            NO_DATE,
            field="new_date",
            reason=f"date {text[:20]!r}",
            format=date_input.input_hint(locale),
            example=date_input.input_example(locale),
        ) from None
    shown = date_input.input_text(day, locale)
    if day < today:
        raise ChangeRefused(IN_THE_PAST, field="new_date", reason="date in the past", day=shown)
    if day > today + timedelta(days=MAX_AHEAD_DAYS):
        raise ChangeRefused(TOO_FAR, field="new_date", reason="date too far ahead")
    if not is_working_day(day):
        raise ChangeRefused(NOT_A_WORKING_DAY, field="new_date", reason="no working day", day=shown)
    return day


def checked_reason(raw: str) -> str:
    reason = clean_reason(raw)
    if not reason:
        raise ChangeRefused(NO_REASON, field="reason", reason="no reason")
    if len(reason) > MAX_REASON_CHARS:
        raise ChangeRefused(
            REASON_TOO_LONG,
            field="reason",
            reason="reason too long",
            length=len(reason),
            limit=MAX_REASON_CHARS,
        )
    return reason


def open_promise(session: Session, submission_id: int) -> FeedbackPromise:
    """The submission's open promise (its latest version's), read fresh; 409 when its
    promise is settled, or none was ever made."""
    promise = session.exec(
        select(FeedbackPromise)
        .where(FeedbackPromise.submission_id == submission_id)
        .order_by(col(FeedbackPromise.id).desc())
        .execution_options(populate_existing=True)
    ).first()
    if promise is None:
        raise ChangeRefused(NO_PROMISE, field=None, status=409, reason="no promise")
    if promise.state != PromiseState.OPEN:
        raise ChangeRefused(SETTLED, field=None, status=409, reason=f"promise {promise.state}")
    return promise


def announce_new_date(
    session: Session,
    principal: Principal,
    submission_id: int,
    *,
    new_date: str,
    reason: str,
    seen_revision: int | None,
    links: EmailLinks,
    now: datetime | None = None,
) -> DateChange:
    """Announce ``new_date`` (as typed) for the submission's open promise, with ``reason``;
    ``seen_revision``: the revision the form showed."""
    now = now or utcnow()
    submission_for_staff(session, principal, submission_id)  # 404 for anyone else
    day = checked_date(new_date, principal.locale, local_date(now))
    text = checked_reason(reason)
    promise = open_promise(session, submission_id)
    assert promise.id is not None
    lock_row(session, FeedbackPromise, promise.id)  # one change at a time, in order
    promise = open_promise(session, submission_id)  # as the change before us left it
    assert promise.id is not None
    if day == promise.due_on:
        shown = date_input.input_text(day, principal.locale)
        raise ChangeRefused(SAME_DATE, field="new_date", reason="same date", day=shown)
    old = promise.due_on
    updated = session.execute(
        update(_p)
        .where(_p.c.id == promise.id, _p.c.revision == promise.revision)
        .values(
            due_on=day,
            due_at=day_end(day),
            revision=promise.revision + 1,
            warned_at=None,
            updated_at=now,
        )
    )
    if updated.rowcount != 1:  # type: ignore[attr-defined]  # cannot happen under the lock
        raise ChangeRefused(SETTLED, field=None, status=409, reason="promise changed meanwhile")
    event = PromiseEvent(
        promise_id=promise.id,
        kind=PromiseEventKind.CHANGED.value,
        actor_user_id=principal.user_id,
        at=now,
        old_date=old,
        new_date=day,
        reason=text,
    )
    session.add(event)
    session.flush()
    assert event.id is not None
    _tell_learner(session, principal, submission_id, event, links=links)
    return DateChange(
        promise_id=promise.id,
        old_date=old,
        new_date=day,
        revision=promise.revision + 1,
        overtaken=seen_revision is not None and seen_revision != promise.revision,
    )


def _tell_learner(
    session: Session,
    principal: Principal,
    submission_id: int,
    event: PromiseEvent,
    *,
    links: EmailLinks,
) -> None:
    facts = submission_facts(session, submission_id)
    locale = mail.recipient_locale(facts.learner_locale)
    reader = LinkReader(
        facts.learner_id, facts.context_id, principal.platform_id, Role.LEARNER.value, locale
    )
    path = path_for("submission_detail", context=facts.context_id, submission_id=submission_id)
    enqueue_email(
        session,
        to=facts.learner_email,
        to_name=facts.learner_name if facts.learner_has_name else None,
        template=EMAIL_TEMPLATE,
        locale=locale,
        key=f"{EMAIL_TEMPLATE}:{event.id}",
        context={
            "learner_name": facts.learner_name if facts.learner_has_name else "",
            "course_title": facts.course_title,
            "exercise_title": facts.exercise_title,
            "industry": facts.industry_name(locale),
            "old_date": event.old_date,
            "new_date": event.new_date,
            "reason": event.reason,
            "submission_url": links.url(path, reader),
        },
    )
