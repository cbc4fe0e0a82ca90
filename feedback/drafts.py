"""Feedback drafts: the tutor's text (Markdown) and an optional feedback PDF, saved until
release (coaching issue §3, DESIGN.md §2 step 4).

A submission has at most one draft, and it belongs to the submission's *latest* version:
when the learner resubmits while a draft exists, the next save moves the draft (text and
attachment kept) to the new version, so the tutor never writes to a version the learner
has replaced. Feedback already released for a version stays as it was.

Every change needs the tutor's claim (:func:`feedback.claims.hold_claim`, which also
renews it) and is checked before anything is written: a text over
:data:`FEEDBACK_MAX_CHARS` or a refused PDF leaves the draft exactly as it was.

Two tabs (or a tutor who took the claim over) saving the text: the form carries the
:func:`text_revision` of the text it was opened with, and a save is refused
(:class:`~feedback.errors.DraftConflict`, with the text saved since) when it would replace
a saved text the tutor has not seen. The check runs after ``hold_claim``: its ``UPDATE``
of the claim row makes a second save of the same submission wait for the first one's
commit (the row's lock on PostgreSQL, the database's write lock on SQLite), so the draft
read after it is the latest one.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from feedback.access import submission_for_staff
from feedback.claims import current_claim, hold_claim
from feedback.errors import (
    AlreadyReleased,
    DraftConflict,
    FeedbackTooLong,
    NotClaimed,
    not_found,
)
from feedback.models import Feedback, FeedbackStatus
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.db import upsert
from kurswerk.core.usertext import render_markdown
from uploads import service as uploads
from uploads.models import Submission, SubmissionVersion

FEEDBACK_MAX_CHARS = 30_000
"""About ten printed pages: room for thorough feedback, a bound on what a form may send."""

_feedback = Feedback.__table__  # type: ignore[attr-defined]
# C0 control characters other than tab and line feed (PostgreSQL text cannot hold NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def normalise_text(text: str) -> str:
    """Line breaks as ``\\n``, no control characters, no blank lines at either end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip("\n").rstrip()


def check_length(text: str) -> None:
    if len(text) > FEEDBACK_MAX_CHARS:
        raise FeedbackTooLong(len(text), FEEDBACK_MAX_CHARS)


def revision_of(feedback: Feedback) -> str:
    """What a preview showed: release refuses a draft that changed since (another tab)."""
    digest = hashlib.sha256()
    for part in (
        feedback.body_markdown,
        feedback.attachment_key or "",
        feedback.attachment_name or "",
    ):
        digest.update(part.encode("utf-8") + b"\x00")
    return digest.hexdigest()[:20]


def text_revision(text: str) -> str:
    """The revision of a draft's text, as the draft form carries it: "" for no text (there
    is nothing a save could lose), otherwise a digest of the text."""
    if not text:
        return ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def current_draft(session: Session, submission_id: int) -> Feedback | None:
    return session.exec(
        select(Feedback).where(
            Feedback.submission_id == submission_id,
            Feedback.status == FeedbackStatus.DRAFT.value,
        )
    ).first()


def _latest_version(session: Session, submission: Submission) -> SubmissionVersion:
    assert submission.id is not None
    version = uploads.get_version(session, submission.id, submission.latest_version)
    if version is None:  # a submission always has its versions; a broken row is not ours
        raise not_found(f"submission {submission.id} has no version {submission.latest_version}")
    return version


def _guard(session: Session, principal: Principal, submission_id: int, ttl: timedelta) -> None:
    if not hold_claim(session, principal, submission_id, ttl=ttl):
        state = current_claim(session, submission_id, principal)
        raise NotClaimed(state.holder_name if state and not state.mine else None)


def _write_draft(
    session: Session,
    principal: Principal,
    submission: Submission,
    values: dict[str, Any],
    now: datetime,
) -> Feedback:
    """Move an older version's draft to the latest version, then upsert the latest one."""
    assert submission.id is not None
    version = _latest_version(session, submission)
    session.execute(
        update(_feedback)
        .where(
            _feedback.c.submission_id == submission.id,
            _feedback.c.status == FeedbackStatus.DRAFT.value,
            _feedback.c.submission_version_id != version.id,
        )
        .values(submission_version_id=version.id)
    )
    fresh = {
        "submission_id": submission.id,
        "submission_version_id": version.id,
        "tutor_user_id": principal.user_id,
        "body_markdown": "",
        "body_html": "",
        "status": FeedbackStatus.DRAFT.value,
        "created_at": now,
        "updated_at": now,
    }
    insert = upsert(session, _feedback).values({**fresh, **values})
    statement = insert.on_conflict_do_update(
        index_elements=["submission_version_id"],
        set_={"tutor_user_id": principal.user_id, "updated_at": now, **values},
        where=_feedback.c.status == FeedbackStatus.DRAFT.value,
    ).returning(_feedback.c.id)
    row = session.execute(statement).first()
    if row is None:
        raise AlreadyReleased()
    session.expire_all()  # rows read before the statements are stale now
    feedback = session.get(Feedback, row.id)
    assert feedback is not None
    return feedback


def save_draft(
    session: Session,
    principal: Principal,
    submission_id: int,
    text: str,
    *,
    based_on: str | None = None,
    ttl: timedelta,
    now: datetime | None = None,
) -> Feedback:
    """Save the tutor's Markdown as the draft (its sanitised HTML alongside, for preview).

    ``based_on`` is the :func:`text_revision` the tutor's text was written on (``None``:
    no check, for callers that are not the form; the form always sends it). The save is
    refused when the saved text has another revision, is not empty and is not ``text``
    itself: it would be lost.
    """
    now = now or utcnow()
    submission = submission_for_staff(session, principal, submission_id)
    text = normalise_text(text)
    check_length(text)
    _guard(session, principal, submission_id, ttl)
    if based_on is not None:
        _check_based_on(session, submission_id, text, based_on)
    values = {"body_markdown": text, "body_html": str(render_markdown(text))}
    return _write_draft(session, principal, submission, values, now)


def _check_based_on(session: Session, submission_id: int, text: str, based_on: str) -> None:
    session.expire_all()  # read after the claim's lock: what a save before ours committed
    draft = current_draft(session, submission_id)
    saved = draft.body_markdown if draft is not None else ""
    current = text_revision(saved)
    if current not in ("", based_on) and saved != text:
        raise DraftConflict(saved_text=saved, revision=current, based_on=based_on)


def set_attachment(
    session: Session,
    principal: Principal,
    submission_id: int,
    *,
    key: str | None,
    name: str | None,
    ttl: timedelta,
    now: datetime | None = None,
) -> Feedback:
    """Attach a stored, checked feedback PDF to the draft (``key=None`` removes it)."""
    now = now or utcnow()
    submission = submission_for_staff(session, principal, submission_id)
    _guard(session, principal, submission_id, ttl)
    values = {"attachment_key": key, "attachment_name": name if key else None}
    return _write_draft(session, principal, submission, values, now)


def may_edit(session: Session, principal: Principal, submission_id: int) -> None:
    """Raise unless the principal could change the draft now (checked again on write)."""
    submission_for_staff(session, principal, submission_id)
    state = current_claim(session, submission_id, principal)
    if state is None or not state.mine:
        raise NotClaimed(state.holder_name if state else None)
