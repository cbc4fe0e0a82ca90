"""Release: the moment feedback reaches the learner (coaching issue §3-4, DESIGN.md §2
step 4).

:func:`release` does, in the caller's one transaction: mark the draft released (with the
sanitised HTML as released), set the submission to "Feedback erhalten", end the claim,
write the outbox row of the learner's email with the **full feedback text** (plain
text: the Markdown as written; HTML: the sanitised rendering), and the outbox row of the
LMS gradebook's "fully graded" score with the feedback's summary as its comment
(``feedback.gradebook``). Either all of it commits or nothing does; the worker sends
after the commit, and an SMTP or LMS outage only delays it (a course without the grade
service gets a skipped row, never a refused release).

The feedback PDF travels **attached to the email** - that is what a learner expects of
"feedback by email" - up to :data:`EMAIL_ATTACHMENT_MAX_BYTES`; a larger one is linked
to its page in the tool instead (mail servers refuse large messages, and the outbox row
carries the file). The mail always links the feedback page in the tool as well.

Idempotent: the outbox rows' keys are ``feedback_released:<feedback id>`` (email) and
``grade-released:<feedback id>`` (gradebook), the draft turns
released with a conditional ``UPDATE ... WHERE status = 'draft'``, and a repeated request
(double-click, retry, two tabs) for feedback already released returns it unchanged, so
the learner gets one email and the gradebook one score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from feedback.access import submission_for_staff
from feedback.claims import OPEN_STATUSES, current_claim, end_claim, hold_claim
from feedback.drafts import current_draft, revision_of
from feedback.errors import DraftChanged, FeedbackEmpty, NewVersionArrived, NotClaimed
from feedback.facts import SubmissionFacts, submission_facts
from feedback.gradebook import grade_released
from feedback.models import Feedback, FeedbackStatus
from feedback.promises.outcome import settle as settle_promise
from kurswerk.core import mail
from kurswerk.core.auth import Principal, Role
from kurswerk.core.clock import utcnow
from kurswerk.core.email_links import EmailLinks, LinkReader
from kurswerk.core.files.storage import Storage
from kurswerk.core.outbox.queue import enqueue_email
from kurswerk.core.paths import path_for
from kurswerk.core.usertext import markdown_text, render_markdown
from uploads import service as uploads
from uploads.models import Submission, SubmissionStatus

EMAIL_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
EMAIL_TEMPLATE = "feedback_released"

_feedback = Feedback.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ReleaseResult:
    feedback: Feedback
    newly_released: bool  # False: it had been released already (a repeated request)


def outbox_key(feedback_id: int) -> str:
    return f"feedback_released:{feedback_id}"


def feedback_page_path(context_id: int, submission_id: int) -> str:
    return path_for("feedback_learner", context=context_id, submission_id=submission_id)


def feedback_attachment_path(context_id: int, submission_id: int, version: int) -> str:
    return path_for(
        "feedback_attachment_file", context=context_id, submission_id=submission_id, number=version
    )


def _released_for_latest(session: Session, submission: Submission) -> Feedback | None:
    version = uploads.get_version(session, submission.id or 0, submission.latest_version)
    if version is None:
        return None
    return session.exec(
        select(Feedback).where(
            Feedback.submission_version_id == version.id,
            Feedback.status == FeedbackStatus.RELEASED.value,
        )
    ).first()


def _reloaded(session: Session, feedback_id: int) -> Feedback:
    session.expire_all()
    feedback = session.get(Feedback, feedback_id)
    assert feedback is not None
    return feedback


def release(
    session: Session,
    principal: Principal,
    submission_id: int,
    *,
    revision: str,
    storage: Storage,
    links: EmailLinks,
    ttl: timedelta,
    now: datetime | None = None,
) -> ReleaseResult:
    """Release the draft the tutor previewed (``revision``, see ``drafts.revision_of``)."""
    now = now or utcnow()
    submission = submission_for_staff(session, principal, submission_id)
    draft = current_draft(session, submission_id)
    if draft is None:
        done = _released_for_latest(session, submission)
        if done is not None:
            return ReleaseResult(done, newly_released=False)
        raise FeedbackEmpty()
    assert draft.id is not None
    if revision != revision_of(draft):
        raise DraftChanged()
    if not draft.body_markdown.strip():
        raise FeedbackEmpty()
    if not hold_claim(session, principal, submission_id, ttl=ttl, now=now):
        again = _reloaded(session, draft.id)
        if again.status == FeedbackStatus.RELEASED:  # a concurrent request released it
            return ReleaseResult(again, newly_released=False)
        state = current_claim(session, submission_id, principal, now)
        raise NotClaimed(state.holder_name if state and not state.mine else None)
    version = uploads.get_version(session, submission_id, submission.latest_version)
    if version is None or draft.submission_version_id != version.id:
        raise NewVersionArrived()

    body_html = str(render_markdown(draft.body_markdown))
    changed = session.execute(
        update(_feedback)
        .where(_feedback.c.id == draft.id, _feedback.c.status == FeedbackStatus.DRAFT.value)
        .values(
            status=FeedbackStatus.RELEASED.value,
            released_at=now,
            updated_at=now,
            tutor_user_id=principal.user_id,
            body_html=body_html,
        )
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return ReleaseResult(_reloaded(session, draft.id), newly_released=False)
    if not uploads.set_submission_status(
        session,
        submission_id,
        SubmissionStatus.FEEDBACK_RELEASED,
        only_from=OPEN_STATUSES,
        only_version=version.number,
    ):
        raise NewVersionArrived()  # the caller rolls back: the draft stays a draft
    end_claim(session, submission_id)
    settle_promise(
        session,
        submission_version_id=draft.submission_version_id,
        released_at=now,
        tutor_user_id=principal.user_id,
    )
    feedback = _reloaded(session, draft.id)
    facts = submission_facts(session, submission_id)
    _enqueue_learner_email(
        session,
        principal,
        feedback,
        facts,
        version.number,
        storage=storage,
        links=links,
        now=now,
    )
    grade_released(
        session,
        submission,
        feedback,
        locale=mail.recipient_locale(facts.learner_locale),
        now=now,
    )
    return ReleaseResult(feedback, newly_released=True)


def _enqueue_learner_email(
    session: Session,
    principal: Principal,
    feedback: Feedback,
    facts: SubmissionFacts,
    version_number: int,
    *,
    storage: Storage,
    links: EmailLinks,
    now: datetime,
) -> None:
    assert feedback.id is not None
    attachments: list[mail.Attachment] = []
    attachment_url = None
    locale = mail.recipient_locale(facts.learner_locale)
    # The learner's links; the course (hence its platform) is the releasing tutor's.
    reader = LinkReader(
        facts.learner_id, facts.context_id, principal.platform_id, Role.LEARNER.value, locale
    )
    if feedback.attachment_key:
        name = feedback.attachment_name or "Feedback.pdf"
        with storage.open(feedback.attachment_key) as handle:
            data = handle.read(EMAIL_ATTACHMENT_MAX_BYTES + 1)
        if len(data) <= EMAIL_ATTACHMENT_MAX_BYTES:
            attachments.append(mail.Attachment(name, "application/pdf", data))
        else:
            attachment_url = links.url(
                feedback_attachment_path(facts.context_id, facts.submission_id, version_number),
                reader,
            )
    enqueue_email(
        session,
        to=facts.learner_email,
        to_name=facts.learner_name if facts.learner_has_name else None,
        template=EMAIL_TEMPLATE,
        locale=locale,
        key=outbox_key(feedback.id),
        context={
            "learner_name": facts.learner_name if facts.learner_has_name else "",
            "course_title": facts.course_title,
            "exercise_title": facts.exercise_title,
            "industry": facts.industry_name(locale),
            "tutor_name": principal.name,
            "released_at": now,
            "feedback_text": markdown_text(feedback.body_markdown),
            "feedback_html": render_markdown(feedback.body_markdown),
            "attachment_name": feedback.attachment_name if feedback.attachment_key else None,
            "attachment_url": attachment_url,
            "feedback_url": links.url(
                feedback_page_path(facts.context_id, facts.submission_id), reader
            ),
        },
        attachments=attachments,
    )
