"""The LTI domain's rules, callable without HTTP — the one entry other packages use.

Services never commit: the request's session (``kurswerk.db.SessionDep``) or the CLI
owns the transaction. The rules live in small modules by use case and are gathered here:

* ``lti.registrations`` — platforms and deployments (``add_platform``, ``list_platforms``)
* ``lti.login_state``   — the server-side state/nonce of a login, the launch data store
* ``lti.identities``    — what a launch records (user, course, membership)
* ``lti.members``       — who has launched in a course (``course_members``)
* the tool's own key, below.
"""

from __future__ import annotations

from sqlmodel import Session, select

from lti.identities import CLAIM, LaunchIdentity, display_name, landing_path, record_launch
from lti.login_state import (
    consume_login_state,
    get_launch_data,
    purge_expired,
    put_launch_data,
    save_login_state,
    take_pending_login,
)
from lti.members import CourseMember, course_member, course_members, course_members_by_email
from lti.models import ToolKey
from lti.registrations import (
    PlatformConfigError,
    RegistrationMatch,
    add_platform,
    find_registration,
    frame_ancestor_origins,
    list_platforms,
    origin_of,
    registrations_version,
)
from lti.toolkey import ToolKeyPair

__all__ = [
    "CLAIM",
    "CourseMember",
    "LaunchIdentity",
    "PlatformConfigError",
    "RegistrationMatch",
    "TOOL_KEY_SLOT",
    "add_platform",
    "add_tool_key",
    "consume_login_state",
    "course_member",
    "course_members",
    "course_members_by_email",
    "display_name",
    "find_registration",
    "frame_ancestor_origins",
    "get_launch_data",
    "get_tool_key",
    "landing_path",
    "list_platforms",
    "origin_of",
    "purge_expired",
    "put_launch_data",
    "record_launch",
    "registrations_version",
    "save_login_state",
    "take_pending_login",
]

TOOL_KEY_SLOT = "signing"


def get_tool_key(session: Session) -> ToolKey | None:
    return session.exec(select(ToolKey).where(ToolKey.slot == TOOL_KEY_SLOT)).first()


def add_tool_key(session: Session, private_key_pem: str) -> ToolKey:
    """Store a new signing key (flushes; the unique slot makes a concurrent second fail)."""
    pair = ToolKeyPair.from_pem(private_key_pem)
    row = ToolKey(slot=TOOL_KEY_SLOT, kid=pair.kid, private_key_pem=private_key_pem)
    session.add(row)
    session.flush()
    return row
