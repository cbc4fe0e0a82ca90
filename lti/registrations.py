"""Platform registrations: data keyed by (issuer, client_id), each with deployments.

Canvas cloud uses one issuer for every tenant, so the issuer alone does not name a
registration; the client id does (LTI 1.3 §3.1.3, Security Framework §5.1.1.1).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, bindparam, event, select
from sqlmodel import Session, col
from sqlmodel import select as model_select

from lti import errors
from lti.models import Deployment, Platform, table_of


class PlatformConfigError(ValueError):
    """A registration value that cannot work (shown to the admin by the CLI)."""


_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$"
)
_versions = itertools.count(1)
_current_version = 0


def registrations_version() -> int:
    """Bumped when a transaction that changed registrations commits (in this process)."""
    return _current_version


_CHANGED = "lti.registrations_changed"


def _note_change(session: Session) -> None:
    """Bump the version when this session's transaction commits (not if it rolls back).
    A flag in ``session.info`` and listeners registered once per session: a listener
    registered with ``once=True`` fires in the first commit only, so a second change
    on the same session would go unnoticed."""
    session.info[_CHANGED] = True
    if not event.contains(session, "after_commit", _after_commit):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)


def _after_commit(session: Any) -> None:
    global _current_version
    if session.info.pop(_CHANGED, False):
        _current_version = next(_versions)


def _after_rollback(session: Any) -> None:
    session.info.pop(_CHANGED, None)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str:
    """``scheme://host[:port]``, lower-cased, without a default port ("" if unparsable)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if not scheme or not host:
        return ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return f"{scheme}://{host}"


def _require_url(value: str, field: str, max_length: int) -> str:
    value = (value or "").strip()
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or not _HOST.match(parts.netloc)
        or any(ch.isspace() for ch in value)
    ):
        raise PlatformConfigError(
            f"{field} must be an absolute http(s) URL without user info, got {value!r}"
        )
    if len(value) > max_length:
        raise PlatformConfigError(f"{field} is longer than {max_length} characters")
    return value


def _require_text(value: str, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise PlatformConfigError(f"{field} must not be empty")
    if len(value) > max_length:
        raise PlatformConfigError(f"{field} is longer than {max_length} characters")
    return value


def require_origin(value: str) -> str:
    """An origin an admin names for framing: ``https://host[:port]``, nothing after it
    (a path, query or user info would be a mistake CSP silently ignores or misreads).
    Plain ``http`` only for loopback hosts (a local LMS)."""
    url = _require_url(value, "frame origin", 300)
    parts = urlsplit(url)
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise PlatformConfigError(
            f"frame origin must be scheme://host[:port] with nothing after it, got {value!r}"
        )
    if parts.scheme == "http" and (parts.hostname or "") not in _LOOPBACK_HOSTS:
        raise PlatformConfigError(f"frame origin must use https, got {value!r}")
    return origin_of(url)


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _merged_origins(current: str | None, add: Sequence[str], remove: Sequence[str] = ()) -> str:
    """``current`` (space-separated) without ``remove`` and with ``add`` (checked origins)."""
    kept = [o for o in (current or "").split() if o not in remove]
    return " ".join(dict.fromkeys([*kept, *add]))


def add_platform(
    session: Session,
    *,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    keyset_url: str,
    deployment_ids: Sequence[str],
    name: str = "",
    granted_scopes: Sequence[str] | None = None,
    require_deployment: bool = True,
    frame_origins: Sequence[str] = (),
) -> Platform:
    """Register a platform or update it: keyed by (issuer, client_id), idempotent.

    An existing registration gets its URLs (and a non-empty name) updated and the
    deployments and frame origins it lacks added; neither is removed here
    (``change_frame_origins`` removes frame origins). Raises
    ``PlatformConfigError`` for values that cannot work. ``granted_scopes`` (dynamic
    registration) records the service scopes the platform granted; ``None`` leaves
    them as they were (unknown for a registration made by hand).
    ``require_deployment=False`` lets a dynamic registration without a deployment id
    through (Canvas creates the deployment later; it is added by hand then).
    """
    issuer = _require_url(issuer, "issuer", 255)
    client_id = _require_text(client_id, "client_id", 255)
    auth_login_url = _require_url(auth_login_url, "auth_login_url", 500)
    auth_token_url = _require_url(auth_token_url, "auth_token_url", 500)
    keyset_url = _require_url(keyset_url, "keyset_url", 500)
    wanted = list(dict.fromkeys(_require_text(d, "deployment_id", 255) for d in deployment_ids))
    if not wanted and require_deployment:
        raise PlatformConfigError("at least one deployment_id is required")
    name = (name or "").strip()[:200]
    origins = [require_origin(origin) for origin in frame_origins]  # before any write

    platform = session.exec(
        model_select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
    ).first()
    if platform is None:
        platform = Platform(
            issuer=issuer,
            client_id=client_id,
            name=name,
            auth_login_url=auth_login_url,
            auth_token_url=auth_token_url,
            keyset_url=keyset_url,
        )
    else:
        platform.name = name or platform.name
        platform.auth_login_url = auth_login_url
        platform.auth_token_url = auth_token_url
        platform.keyset_url = keyset_url
    if granted_scopes is not None:
        platform.granted_scopes = " ".join(dict.fromkeys(granted_scopes))
    platform.frame_origins = _merged_origins(platform.frame_origins, origins) or None
    session.add(platform)
    session.flush()
    assert platform.id is not None

    existing = set(
        session.exec(
            model_select(Deployment.deployment_id).where(Deployment.platform_id == platform.id)
        )
    )
    for deployment_id in wanted:
        if deployment_id not in existing:
            session.add(Deployment(platform_id=platform.id, deployment_id=deployment_id))
    session.flush()
    _note_change(session)
    return platform


def change_frame_origins(
    session: Session, platform_id: int, *, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> Platform:
    """Add and remove a platform's further frame origins (flushes; the caller commits)."""
    added = [require_origin(origin) for origin in add]
    removed = [require_origin(origin) for origin in remove]
    platform = session.get(Platform, platform_id)
    if platform is None:
        raise PlatformConfigError(f"no platform with id {platform_id}")
    platform.frame_origins = _merged_origins(platform.frame_origins, added, removed) or None
    session.add(platform)
    session.flush()
    _note_change(session)
    return platform


def list_platforms(session: Session) -> list[tuple[Platform, list[str]]]:
    platforms = session.exec(model_select(Platform).order_by(col(Platform.id))).all()
    deployments: dict[int, list[str]] = {}
    for platform_id, deployment_id in session.exec(
        model_select(Deployment.platform_id, Deployment.deployment_id).order_by(col(Deployment.id))
    ):
        deployments.setdefault(platform_id, []).append(deployment_id)
    return [(p, deployments.get(p.id or 0, [])) for p in platforms]


def frame_ancestor_origins(session: Session) -> list[str]:
    """Origins allowed to frame the tool: each platform's issuer and login URL origins,
    and the further frame origins its admin named."""
    rows = session.exec(
        model_select(Platform.issuer, Platform.auth_login_url, Platform.frame_origins)
    ).all()
    origins = {origin_of(url) for issuer, login, _ in rows for url in (issuer, login) if url}
    origins.update(origin for *_, further in rows for origin in (further or "").split())
    return sorted(origins - {""})


@dataclass(frozen=True, slots=True)
class RegistrationMatch:
    """A registration found for a login or launch, with the named deployment if known."""

    platform_id: int
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    keyset_url: str
    deployment_pk: int | None  # deployment.id
    deployment_id: str | None  # the platform's deployment id


_platforms = table_of(Platform)
_deployments = table_of(Deployment)
# Built once: on the launch path a statement's construction costs more than its run.
_FIND_REGISTRATION = (
    select(
        _platforms.c.id,
        _platforms.c.issuer,
        _platforms.c.client_id,
        _platforms.c.auth_login_url,
        _platforms.c.auth_token_url,
        _platforms.c.keyset_url,
        _deployments.c.id,
        _deployments.c.deployment_id,
    )
    .select_from(
        _platforms.outerjoin(
            _deployments,
            and_(
                _deployments.c.platform_id == _platforms.c.id,
                _deployments.c.deployment_id == bindparam("deployment_id"),
            ),
        )
    )
    .where(_platforms.c.issuer == bindparam("issuer"))
)


def find_registration(
    session: Session, *, issuer: str, client_id: str | None, deployment_id: str | None
) -> RegistrationMatch:
    """One query: the issuer's registrations, each with the named deployment if it exists.

    Raises ``UnknownIssuer``, ``UnknownClientId`` or ``ClientIdRequired`` (several
    registrations for the issuer and no client_id). An unknown deployment is *not* an
    error here: a launch reports it only after the signature is verified.
    """
    rows = session.connection().execute(
        _FIND_REGISTRATION, {"issuer": issuer, "deployment_id": deployment_id}
    )
    matches = [RegistrationMatch(*row) for row in rows]
    if not matches:
        raise errors.UnknownIssuer(f"no platform registered for issuer {issuer!r}", issuer=issuer)
    if client_id is None:
        if len(matches) > 1:
            raise errors.ClientIdRequired(f"issuer {issuer!r} has several client ids")
        return matches[0]
    for match in matches:
        if match.client_id == client_id:
            return match
    raise errors.UnknownClientId(
        f"client id {client_id!r} not registered for issuer {issuer!r}", client_id=client_id
    )


def platform_home(session: Session, platform_id: int) -> str | None:
    """The LMS's own site, for a link back to it: the platform's issuer when it is an
    http(s) address (Moodle's issuer is its site; Canvas's its cloud's sign-in)."""
    platform = session.get(Platform, platform_id)
    if platform is None:
        return None
    parts = urlsplit(platform.issuer)
    return platform.issuer if parts.scheme in ("http", "https") and parts.netloc else None
