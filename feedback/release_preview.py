"""The release confirmation (issue 13, "Release that cannot surprise"): exactly what the
learner will receive when the tutor releases the saved draft, before it goes.

Nothing is worked out twice: the text is the draft's sanitised HTML as the learner's page
renders it (``FeedbackView.body_html``), the email's subject is rendered from the
release's own template and values (``feedback.release.learner_email_context``), in the
learner's language, and the gradebook comment is ``feedback.gradebook.gradebook_comment``,
which the release sends. The confirmation carries the draft's revision
(``feedback.drafts.revision_of``) and the annotation set's (``annotations_revision``):
a draft or a set changed after this page (another tab, an autosave landing late) is not
released (``feedback.release.release`` refuses it). The annotated PDF it shows is the
preview of that set's revision (``feedback.workbench.annotated.preview``), which refuses
once the set has moved on.

Only the tutor who holds the claim gets the page; anyone else gets the review page's
refusal, as a release of theirs would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from feedback.drafts import current_draft
from feedback.errors import AlreadyReleased, FeedbackEmpty, NotClaimed
from feedback.gradebook import gradebook_comment
from feedback.release import (
    EMAIL_TEMPLATE,
    fits_into_email,
    learner_email_context,
    read_up_to_email_limit,
)
from feedback.views import FeedbackView, ReviewPage, review_page
from feedback.workbench.annotated import annotated_name
from feedback.workbench.annotated import preview as annotated_preview
from feedback.workbench.annotations import set_state
from kurswerk.core import mail
from kurswerk.core.auth import Principal
from kurswerk.core.files.storage import Storage
from lti import service as lti_service


@dataclass(frozen=True)
class ReleasePreview:
    page: ReviewPage
    draft: FeedbackView
    learner_locale: str
    """The language of the email and the gradebook comment (the learner's, not ours)."""
    email_to: str | None
    """The address the email goes to; None: there is none the tool can send to."""
    email_subject: str
    attachment_by_email: bool
    """The tutor's feedback PDF travels attached to the email (else the email links it)."""
    annotated_by_email: bool
    """The PDF with the annotations travels attached (else the email links it)."""
    gradebook_comment: str
    gradebook_missing: str | None
    """Why nothing reaches the LMS gradebook (a message id); None: score and comment do."""
    annotations: int
    """How many annotations the release writes into the annotated PDF (0: none is made)."""
    annotations_revision: int
    """The revision of the set shown (0: none saved): the release form sends it back."""
    annotated_name: str | None
    """The annotated PDF's file name as the learner gets it (None: none is made)."""


def _email_sizes(
    session: Session,
    principal: Principal,
    submission_id: int,
    storage: Storage,
    *,
    annotations: int,
    annotations_revision: int,
    attachment_key: str | None,
) -> list[int]:
    """The sizes of the PDFs the email would carry, in the release's order: the annotated
    one (written now as the release will write it, then thrown away), the tutor's."""
    sizes: list[int] = []
    if annotations:
        made = annotated_preview(
            session, principal, submission_id, storage, revision=annotations_revision
        )
        try:
            sizes.append(made.path.stat().st_size)
        finally:
            storage.delete_temp(made.path)
    if attachment_key:
        sizes.append(len(read_up_to_email_limit(storage, attachment_key)))
    return sizes


def release_preview(
    session: Session,
    principal: Principal,
    submission_id: int,
    *,
    storage: Storage,
    target_days: int,
    now: datetime,
) -> ReleasePreview:
    """What releasing the saved draft would send; refuses (``EditRefused``) when there is
    nothing the principal may release: no claim of theirs, no text, released already."""
    page = review_page(session, principal, submission_id, target_days=target_days, now=now)
    if page.closed:
        raise AlreadyReleased()
    if not page.editing:
        claim = page.claim
        raise NotClaimed(claim.holder_name if claim is not None and not claim.mine else None)
    draft = current_draft(session, submission_id)
    if draft is None or page.draft is None or not draft.body_markdown.strip():
        raise FeedbackEmpty()
    facts = page.facts
    locale = mail.recipient_locale(facts.learner_locale)
    email = learner_email_context(
        principal, draft, facts, locale, now=now, files={}, feedback_url=""
    )
    annotation_set = set_state(session, draft.submission_version_id)
    annotations = annotation_set.count
    attached = fits_into_email(
        _email_sizes(
            session,
            principal,
            submission_id,
            storage,
            annotations=annotations,
            annotations_revision=annotation_set.revision,
            attachment_key=draft.attachment_key,
        )
    )
    annotated_attached = attached.pop(0) if annotations else False
    address = facts.learner_email
    missing = lti_service.course_services(session, principal.context_id).grades
    return ReleasePreview(
        page=page,
        draft=page.draft,
        learner_locale=locale,
        email_to=address if address and mail.is_valid_address(address) else None,
        email_subject=mail.render(EMAIL_TEMPLATE, email, locale).subject,
        attachment_by_email=bool(draft.attachment_key) and attached[0],
        annotated_by_email=annotated_attached,
        gradebook_comment=gradebook_comment(draft, locale=locale, annotated=annotations > 0),
        annotations=annotations,
        annotations_revision=annotation_set.revision,
        annotated_name=annotated_name(page.latest.display_name, locale) if annotations else None,
        gradebook_missing=missing.message if missing is not None else None,
    )
