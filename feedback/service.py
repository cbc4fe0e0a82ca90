"""The feedback domain's service: tutor queue, claims, drafts, release, what learners see
(coaching issue §3-5, DESIGN.md §2 step 4). Routes and other packages call these; the
rules live in the use-case modules named below. Nothing here commits: the caller's
session (the request's) owns the transaction.

* ``queue``    - the queue page: one indexed query, keyset pages, filters
* ``claims``   - one tutor at a time; expiry and confirmed takeover; atomic
* ``drafts``   - the Markdown draft and its PDF attachment, guarded by the claim
* ``release``  - released feedback + status + the learner's email + the gradebook's
  score (``gradebook``), one transaction
* ``review_landing`` - where the LMS gradebook's *view submission* opens
* ``views``    - what the review page and the learner's feedback page show; the PDFs
* ``access``   - who may see which submission (404 for everything else)
* ``workdays`` - the feedback target in working days
"""

from __future__ import annotations

from feedback.access import is_staff, submission_for_staff, submission_for_viewer
from feedback.claims import (
    ClaimOutcome,
    ClaimResult,
    ClaimState,
    claim,
    current_claim,
    unclaim,
)
from feedback.drafts import (
    FEEDBACK_MAX_CHARS,
    current_draft,
    may_edit,
    normalise_text,
    revision_of,
    save_draft,
    set_attachment,
)
from feedback.errors import (
    AlreadyReleased,
    DraftChanged,
    EditRefused,
    FeedbackEmpty,
    FeedbackTooLong,
    NewVersionArrived,
    NotClaimed,
)
from feedback.queue import (
    PAGE_SIZE,
    BadCursor,
    Cursor,
    QueueFilters,
    QueuePage,
    QueueRow,
    StatusFilter,
    course_outline,
    queue_page,
    queue_query,
)
from feedback.release import (
    EMAIL_ATTACHMENT_MAX_BYTES,
    ReleaseResult,
    feedback_attachment_path,
    feedback_page_path,
    outbox_key,
    release,
)
from feedback.review_landing import MissingSubmission, missing_submission, review_target
from feedback.views import (
    FeedbackView,
    LearnerFeedbackPage,
    ReviewPage,
    StoredPdf,
    VersionView,
    feedback_pdf,
    learner_feedback_page,
    released_feedback,
    review_page,
    submission_pdf,
)
from feedback.workdays import Age, age_of

__all__ = [
    "EMAIL_ATTACHMENT_MAX_BYTES",
    "FEEDBACK_MAX_CHARS",
    "PAGE_SIZE",
    "Age",
    "AlreadyReleased",
    "BadCursor",
    "ClaimOutcome",
    "ClaimResult",
    "ClaimState",
    "Cursor",
    "DraftChanged",
    "EditRefused",
    "FeedbackEmpty",
    "FeedbackTooLong",
    "FeedbackView",
    "LearnerFeedbackPage",
    "MissingSubmission",
    "NewVersionArrived",
    "NotClaimed",
    "QueueFilters",
    "QueuePage",
    "QueueRow",
    "ReleaseResult",
    "ReviewPage",
    "StatusFilter",
    "StoredPdf",
    "VersionView",
    "age_of",
    "claim",
    "course_outline",
    "current_claim",
    "current_draft",
    "feedback_attachment_path",
    "feedback_page_path",
    "feedback_pdf",
    "is_staff",
    "learner_feedback_page",
    "may_edit",
    "missing_submission",
    "normalise_text",
    "outbox_key",
    "queue_page",
    "queue_query",
    "release",
    "released_feedback",
    "review_page",
    "review_target",
    "revision_of",
    "save_draft",
    "set_attachment",
    "submission_for_staff",
    "submission_for_viewer",
    "submission_pdf",
    "unclaim",
]
