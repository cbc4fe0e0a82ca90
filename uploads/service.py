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
from uploads.entitlements import CoachingStatus, coaching_status, resolve_email_grants

__all__ = [
    "Actor",
    "CoachingRefused",
    "CoachingStatus",
    "CoachingSummary",
    "GrantState",
    "GrantView",
    "Problem",
    "coaching_offers",
    "coaching_status",
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
    "resolve_email_grants",
    "revoke_grant",
]
