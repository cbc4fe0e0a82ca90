"""Grants: a coaching package given to a person in one LMS course (coaching issue §1).

A grant names its person either by LMS user (someone who has launched in the course:
``lti.service.course_members``) or by email before their first launch. An email that
already belongs to exactly one member is bound to them at once; otherwise the grant
waits, and ``coaching.entitlements`` binds it when a launch brings that email.

Grant, revoke and extend are the three changes; each writes its audit entry in the same
transaction. Every way of granting (the form, the CSV import, the roster, the CLI) takes
``lock_course_grants`` before it reads the course's grants, so two at the same moment
cannot give one person the same package twice. Grants are scoped by course: every
lookup by id names the course, so an id from another course (or platform) is simply
not found.

Split by use case, each in a module of its own:

* ``coaching.grants.grantees``      the course and the person a grant names
* ``coaching.grants.reading`` a grant by id, a person's open grants, the course's list
* ``coaching.grants.changes`` the checks of a new grant, the course's grant lock;
  grant, revoke, extend
* ``coaching.grants.form``    the admin page's grant form

This module names them for the coaching pages, the CSV import, the roster grant, the demo
seed and ``uploads.service``.
"""

from __future__ import annotations

from coaching.grants.changes import (
    check_new_grant,
    check_package_grant,
    extend_grant,
    grant_package,
    lock_course_grants,
    record_grants,
    revoke_grant,
    snapshot,
)
from coaching.grants.form import GrantRequest, parse_grant_form
from coaching.grants.grantees import (
    Grantee,
    find_course,
    find_platform,
    get_course,
    grantee_by_email,
    grantee_by_sub,
    grantee_by_user,
)
from coaching.grants.reading import (
    GrantView,
    get_grant,
    grant_view,
    list_grants,
    open_grants_of,
)

__all__ = [
    "GrantRequest",
    "GrantView",
    "Grantee",
    "check_new_grant",
    "check_package_grant",
    "extend_grant",
    "find_course",
    "find_platform",
    "get_course",
    "get_grant",
    "grant_package",
    "grant_view",
    "grantee_by_email",
    "grantee_by_sub",
    "grantee_by_user",
    "list_grants",
    "lock_course_grants",
    "open_grants_of",
    "parse_grant_form",
    "record_grants",
    "revoke_grant",
    "snapshot",
]
