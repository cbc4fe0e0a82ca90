"""The uploads domain's service: what other packages (feedback, the CLI) may call.

The rules live in the submission modules; this module is their one public face (the
coaching room's is ``coaching.service``).
"""

from __future__ import annotations

from uploads.gradebook import submission_line_item
from uploads.mail import (
    digest_task,
    send_due_digests,
    set_tutor_mail_mode,
    tutor_mail_mode,
)
from uploads.panels import (
    SUBMISSION_PANELS,
    SubmissionPanel,
    UploadState,
    submission_panels,
    upload_state,
)
from uploads.queries import (
    SubmissionView,
    VersionFile,
    VersionView,
    feedback_due_date,
    learner_email,
    learner_submission,
    learner_submissions,
    learner_version_file,
)
from uploads.review_access import (
    IntakeLimits,
    PdfRejected,
    PdfReport,
    ReceivedUpload,
    Storage,
    UploadRejected,
    check_pdf,
    ensure_clean,
    get_submission,
    get_version,
    latest_submission,
    list_versions,
    receive_upload,
    scanner_from_settings,
    set_submission_status,
    storage_from_settings,
)
from uploads.submissions import (
    Preflight,
    SubmissionResult,
    SubmitTools,
    new_idempotency_key,
    preflight,
    record_submission,
    submit,
)
from uploads.targets import SubmissionTarget, find_target

__all__ = [
    "SUBMISSION_PANELS",
    "Preflight",
    "SubmissionPanel",
    "SubmissionResult",
    "SubmissionTarget",
    "SubmissionView",
    "SubmitTools",
    "UploadState",
    "VersionFile",
    "VersionView",
    "feedback_due_date",
    "find_target",
    "learner_email",
    "learner_submission",
    "learner_submissions",
    "learner_version_file",
    "new_idempotency_key",
    "preflight",
    "record_submission",
    "digest_task",
    "send_due_digests",
    "set_tutor_mail_mode",
    "submission_line_item",
    "submission_panels",
    "submit",
    "tutor_mail_mode",
    "upload_state",
    "IntakeLimits",
    "PdfRejected",
    "PdfReport",
    "ReceivedUpload",
    "Storage",
    "UploadRejected",
    "check_pdf",
    "ensure_clean",
    "get_submission",
    "get_version",
    "latest_submission",
    "list_versions",
    "receive_upload",
    "scanner_from_settings",
    "set_submission_status",
    "storage_from_settings",
]
