"""The uploads domain's service: what other packages (feedback, the CLI) may call.

The rules live in use-case modules (``entitlements``, and the coaching and submission
modules); this module is their one public face.
"""

from __future__ import annotations

from uploads.entitlements import CoachingStatus, coaching_status, resolve_email_grants
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
    list_versions,
    receive_upload,
    scanner_from_settings,
    set_submission_status,
    storage_from_settings,
)

__all__ = [
    "CoachingStatus",
    "coaching_status",
    "resolve_email_grants",
    # for the feedback domain (uploads.review_access)
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
    "list_versions",
    "receive_upload",
    "scanner_from_settings",
    "set_submission_status",
    "storage_from_settings",
]
