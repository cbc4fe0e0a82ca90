"""The FastAPI adapter for pylti1p3: request, cookies, redirect, storage, tool config.

pylti1p3 ships adapters for Django and Flask only. These classes give it what it asks
for, over our tables and our cookie rules, and switch off the parts we replace:

* state and nonce live in one server-side row per login (``lti_login_state``), consumed
  atomically at launch; pylti1p3's own nonce check (existence only) and its "state valid
  for this id_token hash" shortcut (which lets a launch be replayed) are disabled;
* cookies are written as ``Secure; SameSite=None; Partitioned`` headers by hand
  (``kurswerk.core.auth.partitioned_cookie_header``), because Starlette cannot on Python
  < 3.14 and browsers drop unpartitioned third-party cookies inside the LMS iframe.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import escape
from pylti1p3.cookie import CookieService
from pylti1p3.deployment import Deployment
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.redirect import Redirect
from pylti1p3.registration import Registration
from pylti1p3.request import Request
from pylti1p3.session import SessionService
from pylti1p3.tool_config import ToolConfAbstract
from sqlmodel import Session

from kurswerk.core.auth import partitioned_cookie_header
from kurswerk.core.clock import utcnow
from lti import login_state, registrations
from lti.registrations import RegistrationMatch
from lti.toolkey import ToolKeyPair

STATE_COOKIE_PREFIX = "__Host-lti1p3"


class FastAPIRequest(Request):
    """The parameters (query or capped form body) and cookies of one request."""

    def __init__(
        self, params: Mapping[str, str], cookies: Mapping[str, str], *, secure: bool
    ) -> None:
        self._params = dict(params)
        self._cookies = dict(cookies)
        self._secure = secure

    @property
    def session(self) -> None:
        return None  # pylti1p3's session storage is replaced by the database

    def is_secure(self) -> bool:
        return self._secure

    def get_param(self, key: str) -> str:
        return self._params.get(key, "")

    def get_cookie(self, name: str) -> str | None:
        return self._cookies.get(name)

    @property
    def params(self) -> dict[str, str]:
        return dict(self._params)


class FastAPICookieService(CookieService):
    """Reads request cookies; collects cookies to set as CHIPS headers."""

    _cookie_prefix = STATE_COOKIE_PREFIX

    def __init__(self, request: FastAPIRequest) -> None:
        self._request = request
        self._pending: list[str] = []

    def _name(self, name: str) -> str:
        return f"{self._cookie_prefix}-{name}"

    def get_cookie(self, name: str) -> str | None:
        return self._request.get_cookie(self._name(name))

    def set_cookie(self, name: str, value: str | int, exp: int | None = 3600) -> None:
        self._pending.append(
            partitioned_cookie_header(self._name(name), str(value), max_age=exp or 0)
        )

    def clear_cookie(self, name: str) -> None:
        self._pending.append(partitioned_cookie_header(self._name(name), "", max_age=0))

    def update_response(self, response: Response) -> Response:
        for header in self._pending:
            response.headers.append("Set-Cookie", header)
        self._pending.clear()
        return response


class FastAPIRedirect(Redirect[Response]):
    def __init__(self, location: str, cookie_service: FastAPICookieService | None = None):
        self._location = location
        self._cookie_service = cookie_service

    def _finish(self, response: Response) -> Response:
        if self._cookie_service is not None:
            self._cookie_service.update_response(response)
        return response

    def do_redirect(self) -> Response:
        return self._finish(RedirectResponse(self._location, status_code=302))

    def do_js_redirect(self) -> Response:
        # Our CSP forbids inline scripts: a meta refresh with a link does the same.
        url = escape(self._location)
        html = (
            f'<!doctype html><meta http-equiv="refresh" content="0;url={url}">'
            f'<a href="{url}">Weiter / Continue</a>'
        )
        return self._finish(HTMLResponse(html))

    def set_redirect_url(self, location: str) -> None:
        self._location = location

    def get_redirect_url(self) -> str:
        return self._location


class DbLaunchDataStorage(LaunchDataStorage[Any]):
    """pylti1p3's key/value launch data store over ``lti_launch_data`` (JSON values).

    No session-id cookie: keys are random launch ids, and a cookie could not be relied on
    inside the iframe anyway.
    """

    def __init__(self, session: Session, *, default_ttl_seconds: int) -> None:
        super().__init__()
        self._db = session
        self._default_ttl = default_ttl_seconds

    def get_session_cookie_name(self) -> str | None:
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        raw = login_state.get_launch_data(self._db, key=self._prepare_key(key), now=utcnow())
        return None if raw is None else json.loads(raw)

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        expires_at = utcnow() + timedelta(seconds=exp or self._default_ttl)
        login_state.put_launch_data(
            self._db,
            key=self._prepare_key(key),
            value=json.dumps(value, separators=(",", ":")),
            expires_at=expires_at,
        )

    def check_value(self, key: str) -> bool:
        return self.get_value(key) is not None


class KurswerkSessionService(SessionService):
    """pylti1p3's session service, with state and nonce kept in ``lti_login_state``."""

    def __init__(self, request: FastAPIRequest, storage: DbLaunchDataStorage, db: Session):
        self.data_storage = storage
        self.data_storage.set_request(request)
        self._db = db

    def save_login(
        self,
        *,
        state: str,
        nonce: str,
        platform_id: int,
        login_params: Mapping[str, str],
        ttl_seconds: int,
        now: datetime,
    ) -> None:
        login_state.save_login_state(
            self._db,
            state=state,
            nonce=nonce,
            platform_id=platform_id,
            login_params=login_params,
            ttl_seconds=ttl_seconds,
            now=now,
        )

    def consume_login(self, *, state: str, nonce: str, platform_id: int, now: datetime) -> None:
        login_state.consume_login_state(
            self._db, state=state, nonce=nonce, platform_id=platform_id, now=now
        )

    def take_pending_login(self, *, state: str, now: datetime) -> dict[str, str]:
        return login_state.take_pending_login(self._db, state=state, now=now)

    def peek_pending_login(self, *, state: str, now: datetime) -> dict[str, str]:
        return login_state.peek_pending_login(self._db, state=state, now=now)

    # pylti1p3's weak checks, switched off so nothing can fall back on them.
    def save_nonce(self, nonce: str) -> None:
        raise NotImplementedError("nonces are saved with their state: use save_login()")

    def check_nonce(self, nonce: str) -> bool:
        raise NotImplementedError("nonces are consumed with their state: use consume_login()")

    def set_state_valid(self, state: str, id_token_hash: str) -> None:
        return None  # never mark a state reusable for a token

    def check_state_is_valid(self, state: str, id_token_hash: str) -> bool:
        return False  # a state is valid once, through consume_login()


class KurswerkToolConf(ToolConfAbstract[FastAPIRequest]):
    """Registrations and deployments from our tables, looked up in one query per request.

    Every issuer may have many client ids (Canvas cloud shares one issuer among all
    tenants), so pylti1p3 always calls the ``*_by_params`` methods.
    """

    def __init__(self, session: Session, tool_key: ToolKeyPair | None = None) -> None:
        self._db = session
        self._tool_key = tool_key
        self._match: RegistrationMatch | None = None
        self._looked_up: tuple[str, str | None, str | None] | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def lookup(
        self, issuer: str, client_id: str | None, deployment_id: str | None
    ) -> RegistrationMatch:
        """Find (and remember for this request) the registration; raises launch errors."""
        if self._match is None or self._looked_up != (issuer, client_id, deployment_id):
            self._match = registrations.find_registration(
                self._db, issuer=issuer, client_id=client_id, deployment_id=deployment_id
            )
            self._looked_up = (issuer, client_id, deployment_id)
        return self._match

    @property
    def match(self) -> RegistrationMatch:
        assert self._match is not None, "lookup() first"
        return self._match

    def registration(self, match: RegistrationMatch) -> Registration:
        registration = (
            Registration()
            .set_issuer(match.issuer)
            .set_client_id(match.client_id)
            .set_auth_login_url(match.auth_login_url)
            .set_auth_token_url(match.auth_token_url)
            .set_key_set_url(match.keyset_url)
        )
        if self._tool_key is not None:
            registration.set_tool_private_key(self._tool_key.private_key_pem)
            registration.set_tool_public_key(self._tool_key.public_pem())
        return registration

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        return self.registration(self.lookup(iss, None, None))

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Registration:
        match = self._match
        if match is None or (match.issuer, match.client_id) != (iss, client_id):
            match = self.lookup(iss, client_id, None)
        return self.registration(match)

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self._deployment(self.lookup(iss, None, deployment_id))

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        return self._deployment(self.lookup(iss, client_id, deployment_id))

    @staticmethod
    def _deployment(match: RegistrationMatch) -> Deployment | None:
        if match.deployment_id is None:
            return None
        return Deployment().set_deployment_id(match.deployment_id)

    def get_jwks(
        self, iss: str | None = None, client_id: str | None = None, **kwargs: Any
    ) -> dict[str, list[Mapping[str, Any]]]:
        """The tool's public keys (the same for every registration)."""
        return {"keys": [self._tool_key.public_jwk()] if self._tool_key else []}


@dataclass(frozen=True, slots=True)
class RequestAdapter:
    """pylti1p3's collaborators for one request, as the login and the launch take them."""

    request: FastAPIRequest
    cookies: FastAPICookieService
    tool_conf: KurswerkToolConf
    storage: DbLaunchDataStorage
    sessions: KurswerkSessionService

    @classmethod
    def of(
        cls,
        params: Mapping[str, str],
        cookies: Mapping[str, str],
        session: Session,
        *,
        secure: bool,
        launch_data_ttl_seconds: int,
    ) -> RequestAdapter:
        """The collaborators over ``params`` (query or form) and ``cookies`` of a request."""
        request = FastAPIRequest(params, cookies, secure=secure)
        storage = DbLaunchDataStorage(session, default_ttl_seconds=launch_data_ttl_seconds)
        return cls(
            request=request,
            cookies=FastAPICookieService(request),
            tool_conf=KurswerkToolConf(session),
            storage=storage,
            sessions=KurswerkSessionService(request, storage, session),
        )
