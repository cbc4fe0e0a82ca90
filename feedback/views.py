"""What the review page (tutors) and the feedback page (learners) show, as plain values.

Learners see released feedback only; a draft - its text, its attachment, even that one
exists - never reaches them (coaching issue §3: "Nothing reaches the learner before
release"). Feedback HTML is rendered from the stored Markdown at display time with the
current sanitiser (``kurswerk.core.usertext``), so a rule tightened later applies to old
feedback too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlmodel import Session
from sqlmodel import select as sqlmodel_select

from feedback.access import is_staff, submission_for_staff, submission_for_viewer
from feedback.claims import ClaimState, current_claim, display_name
from feedback.drafts import FEEDBACK_MAX_CHARS, revision_of, text_revision
from feedback.errors import not_found
from feedback.facts import SubmissionFacts, submission_facts
from feedback.models import Feedback, FeedbackStatus
from feedback.workdays import Age, age_of
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc
from kurswerk.core.usertext import render_markdown
from lti.models import PlatformUser
from uploads import service as uploads
from uploads.models import SubmissionStatus

_f = Feedback.__table__  # type: ignore[attr-defined]
_u = PlatformUser.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class VersionView:
    number: int
    display_name: str
    pages: int
    size: int
    submitted_at: datetime
    note: str


@dataclass(frozen=True)
class FeedbackView:
    id: int
    version: int
    status: FeedbackStatus
    body_markdown: str
    attachment_name: str | None
    tutor_name: str
    updated_at: datetime
    released_at: datetime | None
    revision: str
    annotated_name: str | None = None  # the learner's PDF with the annotations (released)

    @property
    def body_html(self) -> Markup:
        return render_markdown(self.body_markdown)

    @property
    def text_revision(self) -> str:
        """What the draft form carries: the text it was opened with (``drafts.text_revision``)."""
        return text_revision(self.body_markdown)


@dataclass(frozen=True)
class ReviewPage:
    facts: SubmissionFacts
    status: SubmissionStatus
    age: Age
    versions: tuple[VersionView, ...]  # newest first
    claim: ClaimState | None
    draft: FeedbackView | None
    released: tuple[FeedbackView, ...]  # newest first
    max_chars: int = FEEDBACK_MAX_CHARS

    @property
    def latest(self) -> VersionView:
        return self.versions[0]

    @property
    def editing(self) -> bool:
        return self.claim is not None and self.claim.mine

    @property
    def closed(self) -> bool:
        return self.status == SubmissionStatus.FEEDBACK_RELEASED


@dataclass(frozen=True)
class LearnerFeedbackPage:
    facts: SubmissionFacts
    status: SubmissionStatus
    versions: tuple[VersionView, ...]  # newest first
    released: tuple[FeedbackView, ...]  # newest first


def _versions(session: Session, submission_id: int) -> tuple[VersionView, ...]:
    return tuple(
        VersionView(
            number=v.number,
            display_name=v.display_name,
            pages=v.pages,
            size=v.size,
            submitted_at=as_utc(v.created_at),
            note=v.note,
        )
        for v in reversed(uploads.list_versions(session, submission_id))
    )


def _feedback(
    session: Session, submission_id: int, *, released_only: bool
) -> tuple[FeedbackView, ...]:
    versions = uploads.list_versions(session, submission_id)
    number_of = {v.id: v.number for v in versions}
    query = (
        select(_f, _u.c.name.label("tutor_name"))
        .join(_u, _u.c.id == _f.c.tutor_user_id)
        .where(_f.c.submission_id == submission_id)
        .order_by(_f.c.id.desc())
    )
    if released_only:
        query = query.where(_f.c.status == FeedbackStatus.RELEASED.value)
    views = []
    for row in session.execute(query).all():
        feedback = Feedback.model_validate(row._mapping)
        assert feedback.id is not None
        views.append(
            FeedbackView(
                id=feedback.id,
                version=number_of.get(feedback.submission_version_id, 0),
                status=FeedbackStatus(feedback.status),
                body_markdown=feedback.body_markdown,
                attachment_name=feedback.attachment_name if feedback.attachment_key else None,
                tutor_name=display_name(row.tutor_name, feedback.tutor_user_id),
                updated_at=as_utc(feedback.updated_at),
                released_at=as_utc(feedback.released_at) if feedback.released_at else None,
                revision=revision_of(feedback),
                annotated_name=feedback.annotated_name if feedback.annotated_key else None,
            )
        )
    views.sort(key=lambda view: (view.version, view.id), reverse=True)
    return tuple(views)


def review_page(
    session: Session,
    principal: Principal,
    submission_id: int,
    *,
    target_days: int,
    now: datetime,
) -> ReviewPage:
    submission = submission_for_staff(session, principal, submission_id)
    feedback = _feedback(session, submission_id, released_only=False)
    return ReviewPage(
        facts=submission_facts(session, submission_id),
        status=SubmissionStatus(submission.status),
        age=age_of(submission.submitted_at, now, target_days),
        versions=_versions(session, submission_id),
        claim=current_claim(session, submission_id, principal, now),
        draft=next((f for f in feedback if f.status == FeedbackStatus.DRAFT), None),
        released=tuple(f for f in feedback if f.status == FeedbackStatus.RELEASED),
    )


def released_feedback(session: Session, submission_id: int) -> tuple[FeedbackView, ...]:
    """Released feedback of a submission, newest first (for a learner's panel). The
    caller has checked that the viewer may see the submission."""
    return _feedback(session, submission_id, released_only=True)


def learner_feedback_page(
    session: Session, principal: Principal, submission_id: int
) -> LearnerFeedbackPage:
    submission = submission_for_viewer(session, principal, submission_id)
    return LearnerFeedbackPage(
        facts=submission_facts(session, submission_id),
        status=SubmissionStatus(submission.status),
        versions=_versions(session, submission_id),
        released=released_feedback(session, submission_id),
    )


@dataclass(frozen=True)
class StoredPdf:
    key: str
    filename: str


def submission_pdf(
    session: Session, principal: Principal, submission_id: int, number: int
) -> StoredPdf:
    """A version's PDF, for the course's staff and the learner who submitted it."""
    submission_for_viewer(session, principal, submission_id)
    version = uploads.get_version(session, submission_id, number)
    if version is None:
        raise not_found(f"submission {submission_id} has no version {number}")
    return StoredPdf(version.file_key, version.display_name)


def feedback_pdf(
    session: Session, principal: Principal, submission_id: int, number: int
) -> StoredPdf:
    """The feedback's PDF of a version: the learner's PDF with the tutor's annotations
    when the release wrote one, else the PDF the tutor attached. Staff see drafts' too,
    the learner released only."""
    row = _feedback_of_version(session, principal, submission_id, number)
    if row is not None and row.annotated_key:
        return StoredPdf(row.annotated_key, row.annotated_name or "Feedback.pdf")
    if row is None or not row.attachment_key:
        raise not_found(f"no feedback attachment for submission {submission_id} v{number}")
    return StoredPdf(row.attachment_key, row.attachment_name or "Feedback.pdf")


def tutor_pdf(session: Session, principal: Principal, submission_id: int, number: int) -> StoredPdf:
    """The PDF the tutor attached, also when an annotated PDF is the feedback's PDF."""
    row = _feedback_of_version(session, principal, submission_id, number)
    if row is None or not row.attachment_key:
        raise not_found(f"no tutor's PDF for submission {submission_id} v{number}")
    return StoredPdf(row.attachment_key, row.attachment_name or "Feedback.pdf")


def _feedback_of_version(
    session: Session, principal: Principal, submission_id: int, number: int
) -> Feedback | None:
    submission_for_viewer(session, principal, submission_id)
    version = uploads.get_version(session, submission_id, number)
    row = None
    if version is not None:
        query = sqlmodel_select(Feedback).where(Feedback.submission_version_id == version.id)
        if not is_staff(principal):
            query = query.where(Feedback.status == FeedbackStatus.RELEASED.value)
        row = session.exec(query).first()
    return row


__all__ = [
    "FeedbackView",
    "LearnerFeedbackPage",
    "ReviewPage",
    "StoredPdf",
    "VersionView",
    "feedback_pdf",
    "learner_feedback_page",
    "released_feedback",
    "review_page",
    "submission_pdf",
    "tutor_pdf",
]
