"""The uploads domain's service: what other packages (feedback, the CLI) may call.

The rules live in use-case modules (``entitlements``, and the coaching and submission
modules); this module is their one public face.
"""

from __future__ import annotations

from uploads.entitlements import CoachingStatus, coaching_status, resolve_email_grants

__all__ = ["CoachingStatus", "coaching_status", "resolve_email_grants"]
