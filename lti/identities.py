"""What a validated launch records: the platform user, the LMS course, the membership.

Three ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statements (PostgreSQL and SQLite
share the syntax), built once per dialect. Name and email are optional claims (LTI 1.3
§5.3.6; Moodle withholds them under some privacy settings): an absent one leaves the
stored value as it was. The locale claim is stored too, unless the person chose a
language in the tool (``remember_chosen_locale``): that choice outlives every launch.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlmodel import Session

from kurswerk.core.auth import Principal, Role
from kurswerk.core.clock import utcnow
from kurswerk.core.db import inserted_unless_null, inserted_values, upsert
from kurswerk.core.paths import path_for
from lti import roles
from lti.models import LmsContext, Membership, PlatformUser, table_of
from lti.registrations import RegistrationMatch

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"

_users = table_of(PlatformUser)
_contexts = table_of(LmsContext)
_memberships = table_of(Membership)
_OPTIONAL_CLAIM_COLUMNS = ("name", "given_name", "family_name", "email")


@dataclass(frozen=True, slots=True)
class LaunchIdentity:
    """Who launched, where: what the post-launch session is built from."""

    user_id: int
    context_id: int
    platform_id: int
    role: Role
    name: str
    locale: str | None
    """The language the session starts in: the one the person chose in the tool, or else
    the launch's claim (``None`` when it names none)."""


@dataclass(frozen=True, slots=True)
class _Upserts:
    user: Any
    context: Any
    membership: Any


def _optional_user_updates(insert: Any) -> dict[str, Any]:
    """``SET`` of a user upsert: an optional claim the platform sent replaces the stored
    value, an absent one keeps it; the locale only while the person has not chosen one."""
    return {
        **inserted_unless_null(insert, *_OPTIONAL_CLAIM_COLUMNS),
        "locale": case(
            (
                _users.c.locale_chosen_at.is_(None),
                func.coalesce(insert.excluded.locale, _users.c.locale),
            ),
            else_=_users.c.locale,
        ),
    }


@functools.cache
def _upserts(dialect: str) -> _Upserts:
    user = upsert(dialect, _users)
    context = upsert(dialect, _contexts)
    membership = upsert(dialect, _memberships)
    return _Upserts(
        user=user.on_conflict_do_update(
            index_elements=[_users.c.platform_id, _users.c.sub],
            set_={**_optional_user_updates(user), **inserted_values(user, "last_launch_at")},
        ).returning(_users.c.id, _users.c.locale, _users.c.locale_chosen_at),
        context=context.on_conflict_do_update(
            index_elements=[_contexts.c.platform_id, _contexts.c.lms_context_id],
            set_=inserted_values(context, "deployment_id", "title", "label"),
        ).returning(_contexts.c.id),
        membership=membership.on_conflict_do_update(
            index_elements=[_memberships.c.user_id, _memberships.c.context_id],
            set_=inserted_values(membership, "role", "lti_roles", "updated_at"),
        ),
    )


def _opt_str(value: object, max_length: int) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:max_length] or None


def display_name(claims: Mapping[str, Any]) -> str:
    name = _opt_str(claims.get("name"), 255)
    if name:
        return name
    parts = [_opt_str(claims.get(k), 255) for k in ("given_name", "family_name")]
    return " ".join(p for p in parts if p)[:255]


def record_launch(
    session: Session, *, match: RegistrationMatch, claims: Mapping[str, Any], now: datetime
) -> LaunchIdentity:
    """Upsert user, course and membership of a validated launch (claims already checked:
    ``sub``, ``context.id`` and ``roles`` are present and well-formed)."""
    connection = session.connection()
    upserts = _upserts(connection.dialect.name)
    presentation = claims.get(CLAIM + "launch_presentation")
    locale = _opt_str(presentation.get("locale"), 16) if isinstance(presentation, dict) else None
    lti_roles = [r for r in claims.get(CLAIM + "roles", []) if isinstance(r, str)]
    role = roles.map_roles(lti_roles)

    user = connection.execute(
        upserts.user, _user_row(match.platform_id, claims["sub"], claims, locale=locale, now=now)
    ).one()
    user_id = user.id
    context = claims[CLAIM + "context"]
    context_id = connection.execute(
        upserts.context,
        {
            "platform_id": match.platform_id,
            "deployment_id": match.deployment_pk,
            "lms_context_id": context["id"],
            "title": _opt_str(context.get("title"), 500) or "",
            "label": _opt_str(context.get("label"), 255) or "",
            "created_at": now,
        },
    ).scalar_one()
    connection.execute(
        upserts.membership,
        {
            "user_id": user_id,
            "context_id": context_id,
            "role": role.value,
            "lti_roles": " ".join(lti_roles),
            "updated_at": now,
        },
    )
    return LaunchIdentity(
        user_id=int(user_id),
        context_id=int(context_id),
        platform_id=match.platform_id,
        role=role,
        name=display_name(claims),
        locale=user.locale if user.locale_chosen_at is not None and user.locale else locale,
    )


def remember_chosen_locale(session: Session, principal: Principal, locale: str) -> bool:
    """The person switched the tool's language themselves: store it as theirs, so later
    launches keep it (``record_launch``) and emails to them are written in it (they read
    ``PlatformUser.locale``). Writes only the principal's own row on the principal's own
    platform; returns whether there was one. Registered with the shell's language switch
    (the slot ``kurswerk.core.locale_choice.LOCALE_CHOICE_STORE``)."""
    result = session.connection().execute(
        update(_users)
        .where(_users.c.id == principal.user_id, _users.c.platform_id == principal.platform_id)
        .values(locale=locale, locale_chosen_at=utcnow())
    )
    return result.rowcount == 1


_TARGET_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")
_TARGET_QUERY_PAIR = re.compile(r"^[A-Za-z0-9_-]+=[A-Za-z0-9._~-]*$")
MAX_TARGET_LENGTH = 200


def clean_target(target: object) -> str | None:
    """A tool path relative to the course (``lessons/einstieg``, optionally with a simple
    query such as ``lessons/x/exercises/y?industry=media``), or ``None`` when it is not
    one. Only plain segments and ``name=value`` pairs of unreserved characters pass, so
    a target cannot leave our host or the launched course."""
    if not isinstance(target, str):
        return None
    target = target.strip()
    path, _, query = target.partition("?")
    path = path.rstrip("/")
    segments = path.split("/") if path else []  # a leading "/" gives an empty segment
    if (
        not segments
        or len(target) > MAX_TARGET_LENGTH
        or any(seg in (".", "..") or not _TARGET_SEGMENT.match(seg) for seg in segments)
    ):
        return None
    pairs = query.split("&") if query else []
    if any(not _TARGET_QUERY_PAIR.match(pair) for pair in pairs):
        return None
    return "/".join(segments) + ("?" + "&".join(pairs) if pairs else "")


def target_of(claims: Mapping[str, Any]) -> str | None:
    """The custom parameter ``kurswerk_target`` of a launch, cleaned (or ``None``)."""
    custom = claims.get(CLAIM + "custom")
    return clean_target(custom.get("kurswerk_target")) if isinstance(custom, dict) else None


MAX_COURSE_SLUG = 100
COURSE_PARAMETER = "kurswerk_course"


def course_named(claims: Mapping[str, Any]) -> str | None:
    """The course package a launch names in its custom parameter ``kurswerk_course``
    (a deep link placed from the picker carries it; an LMS admin may set it in the tool's
    settings), or ``None`` when it names none. The value is passed on as it is (trimmed,
    bounded): ``course`` decides whether it names a loaded course, and refuses one it does
    not know by name, so an admin's typo shows instead of falling back silently."""
    custom = claims.get(CLAIM + "custom")
    value = custom.get(COURSE_PARAMETER) if isinstance(custom, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:MAX_COURSE_SLUG]


def landing_path(context_id: int, claims: Mapping[str, Any]) -> str:
    """Where a launch lands: the course start, or the tool path named by the custom
    parameter ``kurswerk_target`` (see ``clean_target``) inside that course; anything
    else falls back to the course start."""
    return path_for("course_home", context=context_id) + (target_of(claims) or "")


@functools.cache
def _named_users_upsert(dialect: str) -> Any:
    """Like the launch's user upsert, but it leaves ``last_launch_at`` alone."""
    insert = upsert(dialect, _users)
    return insert.on_conflict_do_update(
        index_elements=[_users.c.platform_id, _users.c.sub],
        set_=_optional_user_updates(insert),
    )


@functools.cache
def _named_user_upsert(dialect: str) -> Any:
    """The same for one person, with the id back."""
    return _named_users_upsert(dialect).returning(_users.c.id)


def _user_row(
    platform_id: int, sub: str, claims: Mapping[str, Any], *, locale: str | None, now: datetime
) -> dict[str, Any]:
    """A person's row as the platform names them: the optional name and email claims."""
    email = _opt_str(claims.get("email"), 320)
    return {
        "platform_id": platform_id,
        "sub": sub,
        "name": _opt_str(claims.get("name"), 255),
        "given_name": _opt_str(claims.get("given_name"), 255),
        "family_name": _opt_str(claims.get("family_name"), 255),
        "email": email if email and "@" in email else None,
        "locale": locale,
        "created_at": now,
        "last_launch_at": now,
    }


def _named_user_row(platform_id: int, claims: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    return _user_row(platform_id, claims["user_id"], claims, locale=None, now=now)


def upsert_user(
    session: Session, *, platform_id: int, claims: Mapping[str, Any], now: datetime
) -> int:
    """Record a person the platform names without their own launch (the ``for_user`` of a
    submission review): ``user_id`` plus the optional name and email claims."""
    connection = session.connection()
    return int(
        connection.execute(
            _named_user_upsert(connection.dialect.name), _named_user_row(platform_id, claims, now)
        ).scalar_one()
    )


USERS_PER_BATCH = 500


def upsert_users(
    session: Session, *, platform_id: int, people: Sequence[Mapping[str, Any]], now: datetime
) -> dict[str, int]:
    """``upsert_user`` for many people at once (a course roster): one upsert and one
    lookup per ``USERS_PER_BATCH`` people, not a statement per person. Returns the user
    ids by ``user_id`` (the platform's, the ``sub``); a repeated ``user_id``: last wins."""
    rows = {str(claims["user_id"]): _named_user_row(platform_id, claims, now) for claims in people}
    connection = session.connection()
    statement = _named_users_upsert(connection.dialect.name)
    subs = list(rows)
    ids: dict[str, int] = {}
    for start in range(0, len(subs), USERS_PER_BATCH):
        batch = subs[start : start + USERS_PER_BATCH]
        connection.execute(statement, [rows[sub] for sub in batch])
        found = connection.execute(
            select(_users.c.sub, _users.c.id).where(
                _users.c.platform_id == platform_id, _users.c.sub.in_(batch)
            )
        )
        ids.update({sub: int(user_id) for sub, user_id in found})
    return ids
