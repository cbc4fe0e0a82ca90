"""LTI roles → Kurswerk roles.

Implements the role vocabularies of LTI 1.3 §A.2 (https://www.imsglobal.org/spec/lti/v1p3/#role-vocabularies):

* context roles ``http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor`` and their
  sub-roles ``.../membership/Instructor#TeachingAssistant`` (a sub-role implies its
  principal role, §A.2.2.1);
* institution roles ``.../vocab/lis/v2/institution/person#Administrator`` and system roles
  ``.../vocab/lis/v2/system/person#Administrator``;
* the deprecated short names of context roles (``"Learner"``, ``"Instructor"``), which
  some platforms (Moodle's NRPS among them) still send.

Only *context* roles make a tutor or a learner: institution and system roles speak about
the person elsewhere in the institution (Canvas sends ``institution/person#Instructor``
for anyone who teaches any course, even where they are a student). Only the
administrator role counts at every level. The highest mapped role wins; a launch with no
known role gets the least privilege, learner.
"""

from __future__ import annotations

from collections.abc import Iterable

from kurswerk.core.auth import Role

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
CONTEXT_PREFIX = LIS + "membership"
INSTITUTION_PREFIX = LIS + "institution/person#"
SYSTEM_PREFIX = LIS + "system/person#"

# Principal context roles that mean something to Kurswerk.
_CONTEXT_ROLES: dict[str, Role] = {
    "Learner": Role.LEARNER,
    "Instructor": Role.TUTOR,
    "TeachingAssistant": Role.TUTOR,
    "Mentor": Role.TUTOR,
    "Administrator": Role.ADMIN,
}
# Institution and system roles: only administrators.
_ADMIN_ONLY = {"Administrator", "SysAdmin"}


def parse_role(value: str) -> Role | None:
    """The Kurswerk role one LTI role string grants, or ``None`` when it grants none."""
    value = value.strip()
    if value.startswith(CONTEXT_PREFIX):
        rest = value[len(CONTEXT_PREFIX) :]
        if rest.startswith("#"):  # membership#Instructor
            return _CONTEXT_ROLES.get(rest[1:])
        if rest.startswith("/") and "#" in rest:  # membership/Instructor#TeachingAssistant
            principal = rest[1:].partition("#")[0]
            return _CONTEXT_ROLES.get(principal)
        return None
    if value.startswith(INSTITUTION_PREFIX):
        return Role.ADMIN if value[len(INSTITUTION_PREFIX) :] in _ADMIN_ONLY else None
    if value.startswith(SYSTEM_PREFIX):
        return Role.ADMIN if value[len(SYSTEM_PREFIX) :] in _ADMIN_ONLY else None
    if "/" not in value and "#" not in value:  # deprecated short context role name
        return _CONTEXT_ROLES.get(value)
    return None


def map_roles(roles: Iterable[str]) -> Role:
    """The highest Kurswerk role among the LTI ``roles`` claim; learner when none maps."""
    best = Role.LEARNER
    for value in roles:
        role = parse_role(value)
        if role is not None and role.rank > best.rank:
            best = role
    return best
