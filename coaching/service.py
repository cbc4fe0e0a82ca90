"""The coaching room's service: what other packages (uploads, the command line, the demo)
may call: who holds a package and what is left of it, and the grants and packages
themselves."""

from __future__ import annotations

from coaching.common import (
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
from coaching.entitlements import CoachingStatus, coaching_status, resolve_email_grants
from coaching.grants.service import (
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
from coaching.packages import find_package_by_name, list_packages

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
