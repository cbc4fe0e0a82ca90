"""Submitting one PDF for an exercise (coaching issue §2; DESIGN.md §2 step 3).

The way of one upload, in three steps, so that no database connection or lock is held
while the body streams in:

1. :func:`preflight` (a short transaction of its own, before the body is read): the
   idempotency key (a key already used answers with its first result), the exercise of
   this course in a valid industry, and the coaching entitlement - a *new* submission
   needs remaining quota, a *resubmission* (same exercise and industry) is a new version
   and free. A learner without a package is refused here, before a byte is stored. (The
   form at the end of the lesson page names exercise and industry in fields before the
   file: there step 1 runs when the file begins, and the reader waits for it.)
2. :func:`submit` (async): the body is streamed to a temp file with the size limit
   (``kurswerk.core.files.intake``), the CSRF token is checked if it did not come in the query, the
   file is checked as one plain PDF in the isolated checker (``kurswerk.core.files.pdf.check``),
   optionally scanned (``kurswerk.core.files.scan``), and committed to storage (temp -> fsync ->
   rename) - all before the database transaction commits. Any refusal deletes the temp
   file and stores nothing.
3. :func:`record_submission` (in the caller's transaction): the entitlement again, under
   a lock on the learner's grant row, so two uploads at once cannot both spend the last
   quota or both create the first version; then ``Submission`` + ``SubmissionVersion``,
   the promised feedback date (``uploads.promised``: feedback's promise desk records it)
   and the outbox rows (learner receipt with that date, tutors' notifications, the LMS
   gradebook's "submitted" score) in the same transaction.

Idempotency: the form carries a random key; it is unique in ``submission_version``. A
second POST with the same key (double-click, retried request) creates nothing and
answers with the first version, found before its body is read (step 1) or, when both
arrive at once, under the grant lock (step 3).

A resubmission keeps every earlier version, sets the submission back to "eingereicht"
and moves ``submitted_at`` to the new version: the tutor queue holds the latest version
and its age counts from it.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import anyio.to_thread
from sqlmodel import Session, select

from coaching.models import CoachingGrant
from coaching.service import CoachingStatus, coaching_status
from kurswerk.core import i18n
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CsrfGate
from kurswerk.core.db import lock_row
from kurswerk.core.errors import AppError, Forbidden
from kurswerk.core.extensions import extensions
from kurswerk.core.files.errors import UploadRejected
from kurswerk.core.files.intake import BeforeFile, IntakeLimits, ReceivedUpload, receive_upload
from kurswerk.core.files.pdf.check import PdfChecker, PdfReport
from kurswerk.core.files.scan import ClamdScanner, ensure_clean
from kurswerk.core.files.storage import Storage
from kurswerk.core.i18n import N_
from kurswerk.core.settings import Settings
from lti.models import PlatformUser
from uploads.gradebook import grade_submitted
from uploads.mail import enqueue_receipt, enqueue_tutor_notifications
from uploads.models import Submission, SubmissionStatus, SubmissionVersion
from uploads.promised import PROMISE_DESK
from uploads.targets import SubmissionTarget, find_target

_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_NOTE_CHARS = 4000
NOTE_FIELD = "note"


@dataclass(frozen=True)
class SubmissionResult:
    submission_id: int
    version_id: int
    version: int  # 1 for the first upload, 2... for resubmissions
    created: bool  # False: the idempotency key had been used; this is the first result


@dataclass(frozen=True)
class Preflight:
    target: SubmissionTarget
    status: CoachingStatus
    resubmission: bool  # a submission for this exercise and industry exists


@dataclass(frozen=True)
class SubmitTools:
    """What an upload needs besides the request: built once per app (``uploads.routes``)."""

    storage: Storage
    checker: PdfChecker
    scanner: ClamdScanner | None
    limits: IntakeLimits
    settings: Settings


def new_idempotency_key() -> str:
    """A fresh key for a form (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def check_key(key: str) -> None:
    """Refuse a form without a well-formed idempotency key (before its body is read)."""
    if not _KEY.fullmatch(key):
        raise AppError(
            N_(
                "Das Formular ist unvollständig. Bitte laden Sie die Seite der Übung neu "
                "und reichen Sie Ihre Lösung dort ein."
            ),
            400,
            reason="missing or malformed idempotency key",
        )


def replayed_result(session: Session, principal: Principal, key: str) -> SubmissionResult | None:
    """The first result for ``key`` if this learner used it already; a key that belongs to
    someone else is refused (it never names their submission)."""
    row = session.exec(
        select(SubmissionVersion, Submission)
        .join(Submission, Submission.id == SubmissionVersion.submission_id)  # type: ignore[arg-type]
        .where(SubmissionVersion.idempotency_key == key)
    ).first()
    if row is None:
        return None
    version, submission = row
    if submission.user_id != principal.user_id or submission.context_id != principal.context_id:
        raise AppError(
            N_(
                "Dieses Formular wurde bereits verwendet. Bitte laden Sie die Seite der "
                "Übung neu und reichen Sie Ihre Lösung dort ein."
            ),
            409,
            reason="idempotency key of another person",
        )
    assert submission.id is not None and version.id is not None
    return SubmissionResult(submission.id, version.id, version.number, created=False)


def existing_submission(
    session: Session, principal: Principal, target: SubmissionTarget
) -> Submission | None:
    return session.exec(
        select(Submission).where(
            Submission.context_id == principal.context_id,
            Submission.user_id == principal.user_id,
            Submission.exercise_id == target.exercise_id,
            Submission.industry == target.industry,
        )
    ).first()


class QuotaUsed(Forbidden):
    """A new submission refused because the package's feedback quota is used up (a new
    version of an existing submission is still taken)."""


def _require_entitlement(status: CoachingStatus, resubmission: bool, locale: str) -> None:
    if not status.active:
        raise Forbidden(
            N_(
                "Einreichen können nur Teilnehmende mit einem Coachingpaket. Wenden Sie "
                "sich an Ihre Kursleitung, wenn Sie ein Paket erhalten möchten. Es wurde "
                "nichts gespeichert."
            ),
            reason="no active coaching package",
        )
    if not resubmission and not status.may_submit_new():
        quota = (status.package.feedback_quota if status.package else None) or 0
        # The count needs a plural form, which a refusal's one message id cannot carry:
        # it is worded here, in the learner's language (the error page's language too).
        exhausted = i18n.ngettext(
            locale,
            "Ihr Coachingpaket ist ausgeschöpft: Es umfasst Feedback auf %(quota)s "
            "Einreichung, und die haben Sie genutzt. Neue Fassungen bereits eingereichter "
            "Übungen sind weiter möglich. Für weitere Einreichungen wenden Sie sich bitte "
            "an Ihre Kursleitung.",
            "Ihr Coachingpaket ist ausgeschöpft: Es umfasst Feedback auf %(quota)s "
            "Einreichungen, und die haben Sie alle genutzt. Neue Fassungen bereits "
            "eingereichter Übungen sind weiter möglich. Für weitere Einreichungen wenden "
            "Sie sich bitte an Ihre Kursleitung.",
            quota,
            quota=quota,
        )
        raise QuotaUsed(exhausted, reason="quota used up")


def preflight(
    session: Session,
    principal: Principal,
    exercise_id: int,
    industry: str,
    idempotency_key: str,
    *,
    now: datetime | None = None,
) -> Preflight | SubmissionResult:
    """Step 1: what the request may do before its body is read. Returns the first result
    when the key was used already; raises NotFound / Forbidden / AppError otherwise.
    May bind email grants (``coaching_status``): the caller commits."""
    check_key(idempotency_key)
    replay = replayed_result(session, principal, idempotency_key)
    if replay is not None:
        return replay
    target = find_target(session, principal.context_id, exercise_id, industry)
    status = coaching_status(
        session,
        user_id=principal.user_id,
        context_id=principal.context_id,
        today=(now or utcnow()).date(),
    )
    resubmission = existing_submission(session, principal, target) is not None
    _require_entitlement(status, resubmission, principal.locale)
    return Preflight(target=target, status=status, resubmission=resubmission)


def clean_note(raw: str) -> str:
    """The learner's note as stored: line breaks normalised, control characters (NUL,
    which PostgreSQL text refuses, bidi overrides) removed, surrounding space trimmed."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    text = text.strip()
    if len(text) > MAX_NOTE_CHARS:
        raise UploadRejected("field_too_long", reason=f"note over {MAX_NOTE_CHARS} characters")
    return text


@dataclass(frozen=True)
class StoredFile:
    """A checked PDF committed to storage, waiting for its database rows."""

    file_key: str
    sha256: str
    size: int
    pages: int
    display_name: str


async def submit(
    session: Session,
    principal: Principal,
    checked: Preflight,
    stream: AsyncIterator[bytes],
    headers: Mapping[str, str],
    *,
    idempotency_key: str,
    tools: SubmitTools,
    csrf: CsrfGate,
    now: datetime | None = None,
) -> SubmissionResult:
    """Steps 2 and 3: receive, check and store the file, then record it in ``session``
    (not committed). ``csrf`` checks the token (header, or the form's field before the
    file) before a byte of the file is kept. Raises ``UploadRejected`` (or Forbidden)
    having left no file behind."""
    received = await receive(stream, headers, tools, csrf=csrf)
    return await keep(
        session, principal, checked, received, idempotency_key=idempotency_key, tools=tools, now=now
    )


async def receive(
    stream: AsyncIterator[bytes],
    headers: Mapping[str, str],
    tools: SubmitTools,
    *,
    csrf: CsrfGate,
    limits: IntakeLimits | None = None,
    before_file: BeforeFile | None = None,
) -> ReceivedUpload:
    """Step 2a: the body streamed into a temp file (``kurswerk.core.files.intake``), with
    the app's limits or ``limits``. A form that names its exercise in fields before the
    file gives ``before_file``, which runs step 1 when the file begins."""
    return await receive_upload(
        stream,
        headers,
        tools.storage,
        limits or tools.limits,
        csrf=csrf,
        before_file=before_file,
    )


async def keep(
    session: Session,
    principal: Principal,
    checked: Preflight,
    received: ReceivedUpload,
    *,
    idempotency_key: str,
    tools: SubmitTools,
    now: datetime | None = None,
) -> SubmissionResult:
    """Steps 2b and 3: the received file checked and stored, then recorded in ``session``
    (not committed); the temp file is gone afterwards, whatever happened."""
    try:
        note = clean_note(received.fields.get(NOTE_FIELD, ""))
        stored = await anyio.to_thread.run_sync(_check_and_store, received, tools)
        return await anyio.to_thread.run_sync(
            partial(
                record_submission,
                session,
                principal,
                checked.target,
                stored,
                idempotency_key=idempotency_key,
                note=note,
                settings=tools.settings,
                now=now,
            )
        )
    finally:
        tools.storage.delete_temp(received.temp_path)  # already gone once committed


def _check_and_store(received: ReceivedUpload, tools: SubmitTools) -> StoredFile:
    report: PdfReport = tools.checker.check(received.temp_path)
    ensure_clean(received.temp_path, tools.scanner)
    key = tools.storage.commit(received.temp_path, received.sha256)
    return StoredFile(key, received.sha256, received.size, report.pages, received.display_name)


def record_submission(
    session: Session,
    principal: Principal,
    target: SubmissionTarget,
    stored: StoredFile,
    *,
    idempotency_key: str,
    note: str,
    settings: Settings,
    now: datetime | None = None,
) -> SubmissionResult:
    """Step 3: rows and outbox in the caller's transaction (never committed here)."""
    now = now or utcnow()
    ids = {"user_id": principal.user_id, "context_id": principal.context_id}
    status = coaching_status(session, **ids, today=now.date())
    if status.grant is None:
        _require_entitlement(status, resubmission=False, locale=principal.locale)
    assert status.grant is not None and status.grant.id is not None
    lock_row(session, CoachingGrant, status.grant.id)  # this learner's uploads, one at a time
    replay = replayed_result(session, principal, idempotency_key)
    if replay is not None:
        return replay
    status = coaching_status(session, **ids, today=now.date())  # counted under the lock
    submission = existing_submission(session, principal, target)
    _require_entitlement(status, submission is not None, principal.locale)
    if submission is None:
        submission = Submission(
            context_id=principal.context_id,
            user_id=principal.user_id,
            exercise_id=target.exercise_id,
            industry=target.industry,
            latest_version=1,
            submitted_at=now,
            created_at=now,
            updated_at=now,
        )
    else:
        submission.latest_version += 1
        submission.status = SubmissionStatus.SUBMITTED.value
        submission.submitted_at = now
        submission.updated_at = now
    session.add(submission)
    session.flush()
    assert submission.id is not None
    version = SubmissionVersion(
        submission_id=submission.id,
        number=submission.latest_version,
        file_key=stored.file_key,
        sha256=stored.sha256,
        size=stored.size,
        pages=stored.pages,
        display_name=stored.display_name,
        note=note,
        idempotency_key=idempotency_key,
        created_at=now,
    )
    session.add(version)
    session.flush()
    assert version.id is not None
    promised_on = extensions.get(PROMISE_DESK).record(
        session, submission, version, target_days=settings.feedback_target_days, now=now
    )
    learner = session.get(PlatformUser, principal.user_id)
    assert learner is not None
    enqueue_receipt(session, learner, target, version, settings, promised_on=promised_on)
    enqueue_tutor_notifications(session, learner, target, version, settings)
    grade_submitted(session, submission, version)
    return SubmissionResult(submission.id, version.id, version.number, created=True)
