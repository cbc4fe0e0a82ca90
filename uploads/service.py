"""The uploads domain's service: what other packages (feedback, the CLI) may call.

The rules live in use-case modules (``entitlements``, the ``coaching_*`` modules and the
submission modules); this module is their one public face.
"""

from __future__ import annotations

from uploads.coaching import (
    Actor,
    CoachingRefused,
    CoachingSummary,
    GrantState,
    Problem,
    coaching_offers,
    coaching_summary,
    describe,
    parse_date,
)
from uploads.coaching_grants import (
    GrantView,
    extend_grant,
    find_course,
    find_platform,
    get_grant,
    grant_package,
    grantee_by_email,
    grantee_by_sub,
    list_grants,
    open_grants_of,
    revoke_grant,
)
from uploads.coaching_packages import find_package_by_name, list_packages
from uploads.demo_seed import DemoCourse, seed_demo_coaching
from uploads.entitlements import CoachingStatus, coaching_status, resolve_email_grants
from uploads.submission_mail import (
    register_jobs,
    send_due_digests,
    set_tutor_mail_mode,
    tutor_mail_mode,
)
from uploads.submission_panels import (
    SubmissionPanel,
    UploadState,
    register_submission_panel,
    submission_panels,
    unregister_submission_panel,
    upload_state,
)
from uploads.submission_queries import (
    SubmissionView,
    VersionFile,
    VersionView,
    add_working_days,
    feedback_due_date,
    learner_email,
    learner_submission,
    learner_submissions,
    learner_version_file,
)
from uploads.submission_targets import SubmissionTarget, find_target
from uploads.submissions import (
    Preflight,
    SubmissionResult,
    SubmitTools,
    new_idempotency_key,
    preflight,
    record_submission,
    submit,
)

__all__ = [
    "CoachingStatus",
    "DemoCourse",
    "Preflight",
    "SubmissionPanel",
    "SubmissionResult",
    "SubmissionTarget",
    "SubmissionView",
    "SubmitTools",
    "UploadState",
    "VersionFile",
    "VersionView",
    "add_working_days",
    "coaching_status",
    "feedback_due_date",
    "find_target",
    "learner_email",
    "learner_submission",
    "learner_submissions",
    "learner_version_file",
    "new_idempotency_key",
    "preflight",
    "record_submission",
    "register_jobs",
    "register_submission_panel",
    "resolve_email_grants",
    "seed_demo_coaching",
    "send_due_digests",
    "set_tutor_mail_mode",
    "submission_panels",
    "submit",
    "tutor_mail_mode",
    "unregister_submission_panel",
    "upload_state",
    "Actor",
    "CoachingRefused",
    "CoachingSummary",
    "GrantState",
    "GrantView",
    "Problem",
    "coaching_offers",
    "coaching_summary",
    "describe",
    "extend_grant",
    "find_course",
    "find_package_by_name",
    "find_platform",
    "get_grant",
    "grant_package",
    "grantee_by_email",
    "grantee_by_sub",
    "list_grants",
    "list_packages",
    "open_grants_of",
    "parse_date",
    "revoke_grant",
]
