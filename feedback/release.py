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

The release is of what the tutor confirmed: the draft's text and PDF at the revision
the confirmation showed (``drafts.revision_of``), and the annotation set at the revision
it showed (``annotations_revision``); either changed since (another tab, an autosave
that landed late) refuses the release, nothing written. When the released version has
annotations (the workbench), the learner's PDF with them written in is made, checked
and stored in the same transaction (``feedback.workbench.annotated``) and becomes the
feedback's PDF
(``feedback_attachment_file``). A PDF the tutor attached as well stays: the learner gets
both, the annotated one first. The size rule holds for the message: both are attached
while they fit into :data:`EMAIL_ATTACHMENT_MAX_BYTES` together (the annotated one
taken first); one that does not fit is linked instead.

Idempotent: the outbox rows' keys are ``feedback_released:<feedback id>`` (email) and
``grade-released:<feedback id>`` (gradebook), the draft turns
released with a conditional ``UPDATE ... WHERE status = 'draft'``, and a repeated request
(double-click, retry, two tabs) for feedback already released returns it unchanged, so
the learner gets one email and the gradebook one score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from feedback.access import submission_for_staff
from feedback.claims import OPEN_STATUSES, current_claim, display_name, end_claim, hold_claim
from feedback.dialogue.tally import count_release
from feedback.drafts import current_draft, revision_of
from feedback.errors import (
    AnnotationsChanged,
    DraftChanged,
    FeedbackEmpty,
    NewVersionArrived,
    NotClaimed,
)
from feedback.facts import SubmissionFacts, submission_facts
from feedback.gradebook import grade_released
from feedback.models import Feedback, FeedbackStatus
from feedback.promises.outcome import settle as settle_promise
from feedback.workbench.annotated import release_annotations
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
EMAIL_FILE_NAMES = ("annotated_name", "annotated_url", "attachment_name", "attachment_url")
"""The email template's values naming the feedback's PDFs (None: that PDF is not there)."""

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


def feedback_tutor_pdf_path(context_id: int, submission_id: int, version: int) -> str:
    return path_for(
        "feedback_tutor_pdf", context=context_id, submission_id=submission_id, number=version
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
    annotations_revision: int | None,
    storage: Storage,
    links: EmailLinks,
    ttl: timedelta,
    now: datetime | None = None,
) -> ReleaseResult:
    """Release the draft the tutor confirmed (``revision``, see ``drafts.revision_of``)
    with the annotation set the confirmation showed (``annotations_revision``, 0: none
    saved; None: not named, refused as changed)."""
    now = now or utcnow()
    submission = submission_for_staff(session, principal, submission_id)
    draft = current_draft(session, submission_id)
    if draft is None:
        done = _released_for_latest(session, submission)
        if done is not None:
            return ReleaseResult(done, newly_released=False)
        raise FeedbackEmpty()
    assert draft.id is not None
    draft_id = draft.id
    if revision != revision_of(draft):
        raise DraftChanged()
    if annotations_revision is None:  # a form that was not the confirmation's
        raise AnnotationsChanged()
    if not draft.body_markdown.strip():
        raise FeedbackEmpty()
    if not hold_claim(session, principal, submission_id, ttl=ttl, now=now):
        again = _reloaded(session, draft_id)
        if again.status == FeedbackStatus.RELEASED:  # a concurrent request released it
            return ReleaseResult(again, newly_released=False)
        state = current_claim(session, submission_id, principal, now)
        raise NotClaimed(state.holder_name if state and not state.mine else None)
    # A draft save renews the same claim first, so from here on none can land; one that
    # landed between the first read and the claim is seen now, and refused like any other.
    draft = _reloaded(session, draft_id)
    if revision != revision_of(draft) or draft.status != FeedbackStatus.DRAFT:
        if draft.status == FeedbackStatus.RELEASED:
            return ReleaseResult(draft, newly_released=False)
        raise DraftChanged()
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
        return ReleaseResult(_reloaded(session, draft_id), newly_released=False)
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
    count_release(  # for the admins' report (feedback.dialogue.tally)
        session, context_id=submission.context_id, tutor_user_id=principal.user_id, released_at=now
    )
    facts = submission_facts(session, submission_id)
    release_annotations(
        session,
        storage,
        draft_id,
        version,
        revision=annotations_revision,
        author=display_name(principal.name, principal.user_id),
        locale=mail.recipient_locale(facts.learner_locale),
        when=now,
    )
    feedback = _reloaded(session, draft_id)
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
    locale = mail.recipient_locale(facts.learner_locale)
    # The learner's links; the course (hence its platform) is the releasing tutor's.
    reader = LinkReader(
        facts.learner_id, facts.context_id, principal.platform_id, Role.LEARNER.value, locale
    )
    attachments, files = _email_files(
        feedback, facts, version_number, storage=storage, links=links, reader=reader
    )
    enqueue_email(
        session,
        to=facts.learner_email,
        to_name=facts.learner_name if facts.learner_has_name else None,
        template=EMAIL_TEMPLATE,
        locale=locale,
        key=outbox_key(feedback.id),
        context=learner_email_context(
            principal,
            feedback,
            facts,
            locale,
            now=now,
            files=files,
            feedback_url=links.url(
                feedback_page_path(facts.context_id, facts.submission_id), reader
            ),
        ),
        attachments=attachments,
    )


def learner_email_context(
    principal: Principal,
    feedback: Feedback,
    facts: SubmissionFacts,
    locale: str,
    *,
    now: datetime,
    files: Mapping[str, str | None],
    feedback_url: str,
) -> dict[str, Any]:
    """What the learner's email (``email/feedback_released/``) is written from: the
    release's, and the release confirmation's, which shows its subject beforehand.
    ``files``: the names and links of the feedback's PDFs (``_email_files``)."""
    return {
        "learner_name": facts.learner_name if facts.learner_has_name else "",
        "course_title": facts.course_title,
        "exercise_title": facts.exercise_title,
        "industry": facts.industry_name(locale),
        "tutor_name": principal.name,
        "released_at": now,
        "feedback_text": markdown_text(feedback.body_markdown),
        "feedback_html": render_markdown(feedback.body_markdown),
        **dict.fromkeys(EMAIL_FILE_NAMES),
        **files,
        "feedback_url": feedback_url,
    }


def _email_files(
    feedback: Feedback,
    facts: SubmissionFacts,
    version_number: int,
    *,
    storage: Storage,
    links: EmailLinks,
    reader: LinkReader,
) -> tuple[list[mail.Attachment], dict[str, str | None]]:
    """The feedback's PDFs for the mail: the attachments, and the template's names and
    links (``annotated_*``: the annotated PDF, ``attachment_*``: the tutor's own)."""
    context_id, submission_id = facts.context_id, facts.submission_id
    files: list[tuple[str, str, str, str]] = []  # kind, key, name, path
    if feedback.annotated_key:
        name = feedback.annotated_name or "Feedback.pdf"
        path = feedback_attachment_path(context_id, submission_id, version_number)
        files.append(("annotated", feedback.annotated_key, name, path))
    if feedback.attachment_key:
        name = feedback.attachment_name or "Feedback.pdf"
        path = (feedback_tutor_pdf_path if feedback.annotated_key else feedback_attachment_path)(
            context_id, submission_id, version_number
        )
        files.append(("attachment", feedback.attachment_key, name, path))
    names: dict[str, str | None] = dict.fromkeys(EMAIL_FILE_NAMES)
    attachments: list[mail.Attachment] = []
    contents = [read_up_to_email_limit(storage, key) for _, key, _, _ in files]
    attach = fits_into_email([len(data) for data in contents])
    for (kind, _, name, path), data, attached in zip(files, contents, attach, strict=True):
        names[f"{kind}_name"] = name
        if attached:
            attachments.append(mail.Attachment(name, "application/pdf", data))
        else:
            names[f"{kind}_url"] = links.url(path, reader)
    return attachments, names


def read_up_to_email_limit(storage: Storage, key: str) -> bytes:
    """The stored file, or its first ``EMAIL_ATTACHMENT_MAX_BYTES + 1`` bytes: enough to
    know that it does not fit."""
    with storage.open(key) as handle:
        return bytes(handle.read(EMAIL_ATTACHMENT_MAX_BYTES + 1))


def fits_into_email(sizes: Sequence[int]) -> list[bool]:
    """Which of the feedback's PDFs (annotated first, then the tutor's) the email carries
    attached: each in turn while together they fit into :data:`EMAIL_ATTACHMENT_MAX_BYTES`;
    the others are linked. The release and its confirmation both ask this."""
    budget = EMAIL_ATTACHMENT_MAX_BYTES
    fits: list[bool] = []
    for size in sizes:
        fits.append(size <= budget)
        if fits[-1]:
            budget -= size
    return fits
