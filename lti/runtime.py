"""What the LTI routes keep per process (on ``app.state.lti``): parsed once, reused.

* the tool's keys (``lti.keys.KeyRing``: the signing key, generated on first use, and
  the published key set, re-read now and then so a rotation reaches this process);
* the client of the platforms' services (access tokens cached per issuer, client id and
  scopes; AGS and NRPS calls with timeouts);
* the platform key-set cache and its ``requests.Session``;
* the CSP ``frame-ancestors`` origins of the registered platforms — asked for on every
  response, so kept in memory and refreshed after ``FRAME_ANCESTORS_TTL_SECONDS`` or as
  soon as this process commits a registration change;
* when expired login states were last purged (at most once a minute, at login).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

import requests
from fastapi import Request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from kurswerk.core.db import new_session
from kurswerk.core.settings import Settings
from lti import login_state, registrations
from lti.jwks import KeySetCache
from lti.keys import KeyRing
from lti.service_client import AccessTokens, ServiceClient
from lti.toolkey import ToolKeyPair

log = logging.getLogger("kurswerk.lti")

FRAME_ANCESTORS_TTL_SECONDS = 30.0
PURGE_INTERVAL_SECONDS = 60.0
USER_AGENT = "Kurswerk-LTI/1.0"


class FrameAncestors:
    """A callable for ``kurswerk.core.security``: the registered platforms' origins, cached."""

    def __init__(self, engine: Engine, ttl_seconds: float = FRAME_ANCESTORS_TTL_SECONDS):
        self._engine = engine
        self._ttl = ttl_seconds
        self._origins: tuple[str, ...] = ()
        self._loaded_at: float | None = None
        self._version = -1
        self._lock = threading.Lock()

    def __call__(self) -> tuple[str, ...]:
        if self._fresh():
            return self._origins
        with self._lock:
            if not self._fresh():
                self._reload()
        return self._origins

    def _fresh(self) -> bool:
        return (
            self._loaded_at is not None
            and time.monotonic() - self._loaded_at < self._ttl
            and self._version == registrations.registrations_version()
        )

    def _reload(self) -> None:
        version = registrations.registrations_version()
        try:
            with new_session(self._engine) as session:
                self._origins = tuple(registrations.frame_ancestor_origins(session))
        except SQLAlchemyError as exc:  # e.g. before the first migration: keep what we had
            log.warning("frame-ancestors not refreshed: %s", exc)
        self._loaded_at = time.monotonic()
        self._version = version


class LtiRuntime:
    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.http = requests.Session()
        self.http.headers["User-Agent"] = USER_AGENT
        self.key_sets = KeySetCache(
            http=self.http,
            timeout_seconds=settings.http_timeout_seconds,
            ttl_seconds=settings.jwks_cache_seconds,
        )
        self.frame_ancestors = FrameAncestors(engine)
        self.keys = KeyRing(engine, overlap=timedelta(hours=settings.tool_key_overlap_hours))
        self.services = ServiceClient(
            AccessTokens(
                http=self.http,
                timeout_seconds=settings.http_timeout_seconds,
                signing_key=self.keys.signing,
            )
        )
        self._last_purge: float | None = None

    def tool_key(self) -> ToolKeyPair:
        """The tool's signing key (created on first use; a rotation arrives within a minute)."""
        return self.keys.signing()

    def jwks_body(self) -> bytes:
        """The published key set: the signing key and retired keys still in their overlap."""
        return self.keys.jwks_body()

    def purge_now_and_then(self, session: Session, now: datetime) -> None:
        """Delete expired login states/launch data, at most once per interval."""
        tick = time.monotonic()
        if self._last_purge is not None and tick - self._last_purge < PURGE_INTERVAL_SECONDS:
            return
        self._last_purge = tick
        removed = login_state.purge_expired(session, now=now)
        if removed:
            log.info("purged %d expired LTI login/launch rows", removed)


def runtime_of(request: Request) -> LtiRuntime:
    """The process's LTI state (``app.state.lti``, set by ``lti.routes.install``)."""
    runtime: LtiRuntime = request.app.state.lti
    return runtime
