"""The warning before a promise slips (issue 14): the course's tutors and admins are told
``KURSWERK_PROMISE_WARNING_HOURS`` (24 by default) before a promised date ends when
nothing is released yet, once per promised date.

The outbox worker runs :func:`warning_task` every few minutes (the composition root lists
it among the periodic jobs, as the office hours' reminders). Each run finds the open
promises that end within the window (or ended already) and were not warned about, oldest
date first, at most :data:`BATCH` a run. Each is claimed with a guarded ``UPDATE ... SET
warned_at = now WHERE warned_at IS NULL AND state = 'open'``: only the run whose UPDATE
changed the row writes the mails, in the same transaction, and the outbox key (promise,
revision, reader) makes a second mail impossible even so. A new date announced for the
promise clears ``warned_at`` (``change``): the new date gets its own warning.

Who is told: the people whose role in that LMS course is tutor or admin
(``lti.service.course_staff``: their membership, or the roster for people who never
launched), each in their own language, with a link to the submission's review page that
opens for them from the mail (``kurswerk.core.email_links``). Nobody of another LMS
course is told.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from feedback.claims import display_name
from feedback.facts import SubmissionFacts, submission_facts
from feedback.models import ReviewClaim
from feedback.promises.models import FeedbackPromise, PromiseEvent, PromiseEventKind, PromiseState
from kurswerk.core import mail
from kurswerk.core.auth import Role
from kurswerk.core.clock import as_utc
from kurswerk.core.db import new_session
from kurswerk.core.email_links import EmailLinks, LinkReader
from kurswerk.core.outbox.queue import enqueue_email
from kurswerk.core.outbox.worker import PeriodicTask
from kurswerk.core.paths import path_for
from kurswerk.core.settings import Settings
from lti import service as lti_service
from lti.models import PlatformUser

WARNING_TASK = "feedback.promise_warnings"
WARNING_CHECK_SECONDS = 300.0  # how often the worker looks for promises about to slip
BATCH = 200
EMAIL_TEMPLATE = "promise_warning"
STAFF = (Role.TUTOR.value, Role.ADMIN.value)

_p = FeedbackPromise.__table__  # type: ignore[attr-defined]


def due_warnings(session: Session, now: datetime, *, settings: Settings) -> list[int]:
    """The ids of open promises whose warning is due at ``now``, earliest date first."""
    until = as_utc(now) + timedelta(hours=settings.promise_warning_hours)
    return [
        promise_id
        for promise_id in session.exec(
            select(FeedbackPromise.id)
            .where(
                FeedbackPromise.state == PromiseState.OPEN.value,
                col(FeedbackPromise.due_at) <= until,
                col(FeedbackPromise.warned_at).is_(None),
            )
            .order_by(col(FeedbackPromise.due_at), col(FeedbackPromise.id))
            .limit(BATCH)
        ).all()
        if promise_id is not None
    ]


def claim(session: Session, promise_id: int, now: datetime) -> bool:
    """Mark the promise as warned about, unless another run did or it was settled or got
    a new date's warning meanwhile; True when this run claimed it."""
    result = session.execute(
        update(_p)
        .where(
            _p.c.id == promise_id,
            _p.c.warned_at.is_(None),
            _p.c.state == PromiseState.OPEN.value,
        )
        .values(warned_at=as_utc(now))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def send_due_warnings(session: Session, now: datetime, *, settings: Settings) -> int:
    """Claim every due promise and write its warnings into the outbox; returns how many
    promises this run warned about. The caller commits."""
    links = EmailLinks(settings)
    warned = 0
    for promise_id in due_warnings(session, now, settings=settings):
        if not claim(session, promise_id, now):
            continue
        promise = session.get(FeedbackPromise, promise_id, populate_existing=True)
        assert promise is not None
        session.add(
            PromiseEvent(
                promise_id=promise_id,
                kind=PromiseEventKind.WARNED.value,
                at=as_utc(now),
                old_date=promise.due_on,
            )
        )
        _warn_staff(session, promise, now, links)
        warned += 1
    return warned


def _holder_name(session: Session, submission_id: int) -> str:
    row = session.exec(
        select(PlatformUser.name, PlatformUser.id)
        .join(ReviewClaim, col(ReviewClaim.tutor_user_id) == col(PlatformUser.id))
        .where(ReviewClaim.submission_id == submission_id)
    ).first()
    return display_name(row[0], row[1] or 0) if row else ""


def _warn_staff(
    session: Session, promise: FeedbackPromise, now: datetime, links: EmailLinks
) -> None:
    facts: SubmissionFacts = submission_facts(session, promise.submission_id)
    holder = _holder_name(session, promise.submission_id)
    path = path_for(
        "feedback_review", context=promise.context_id, submission_id=promise.submission_id
    )
    for person, role in lti_service.course_staff(session, promise.context_id, STAFF):
        assert person.id is not None
        locale = mail.recipient_locale(person.locale)
        reader = LinkReader(person.id, promise.context_id, person.platform_id, role, locale)
        enqueue_email(
            session,
            to=person.email,
            to_name=person.name,
            template=EMAIL_TEMPLATE,
            locale=locale,
            key=f"{EMAIL_TEMPLATE}:{promise.id}:{promise.revision}:{person.id}",
            context={
                "recipient_name": " ".join((person.name or "").split()),
                "course_title": facts.course_title,
                "learner_name": facts.learner_name,
                "exercise_title": facts.exercise_title,
                "industry": facts.industry_name(locale),
                "submitted_at": promise.created_at,  # the version's upload
                "due_on": promise.due_on,
                "overdue": as_utc(promise.due_at) <= as_utc(now),
                "holder_name": holder,
                "review_url": links.url(path, reader),
            },
        )


def warning_task(settings: Settings) -> PeriodicTask:
    """The outbox worker loop's job: due warnings every few minutes, in a transaction of
    its own."""

    def run(engine: Engine, now: datetime) -> None:
        with new_session(engine) as session:
            send_due_warnings(session, now, settings=settings)
            session.commit()

    return PeriodicTask(WARNING_TASK, WARNING_CHECK_SECONDS, run)
