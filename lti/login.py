"""OIDC third-party initiated login (LTI 1.3 §4.1 / Security Framework §5.1.1).

The platform sends ``iss``, ``login_hint``, ``target_link_uri`` and optionally
``lti_message_hint``, ``client_id`` and ``lti_deployment_id``. We check that the
registration (and deployment, when named) exists and that the target is on our own host,
then send the browser to the platform's authorisation endpoint with a fresh ``state``
and ``nonce``. Both are kept server-side in one row (with the login parameters, for the
new-window fallback: a fresh launch URL where the platform has one, ``lti.relaunch``),
and the state also goes into a partitioned cookie that binds the flow to this browser.
Where the platform offers its storage (``lti_storage_target``), the login answers with a
page that also keeps state and nonce there before it goes on (``lti.platform_storage``).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import urlencode

from fastapi.responses import Response
from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.registration import Registration

from kurswerk.core.settings import Settings
from lti import errors, platform_storage, relaunch
from lti.adapter import (
    FastAPICookieService,
    FastAPIRedirect,
    FastAPIRequest,
    KurswerkSessionService,
    KurswerkToolConf,
    RequestAdapter,
)
from lti.registrations import origin_of

REQUIRED_PARAMS = ("iss", "login_hint", "target_link_uri")
# What the platform sent us, kept to restart the login in a new window.
FORWARDED_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
)


def check_target_on_our_host(target: str, settings: Settings) -> None:
    """``target_link_uri`` must point at this tool (its origin is ``base_url``'s)."""
    if not target or origin_of(target) != origin_of(settings.base_url):
        raise errors.WrongTargetHost(
            f"target_link_uri {target!r} is not on {settings.base_origin}",
            target=target,
            origin=settings.base_origin,
        )


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, 256 bits


class KurswerkOIDCLogin(
    OIDCLogin[
        FastAPIRequest, KurswerkToolConf, KurswerkSessionService, FastAPICookieService, Response
    ]
):
    def __init__(self, adapter: RequestAdapter, *, settings: Settings, now: datetime) -> None:
        super().__init__(
            adapter.request,
            adapter.tool_conf,
            session_service=adapter.sessions,
            cookie_service=adapter.cookies,
        )
        self._settings = settings
        self._now = now
        # Set by the redirect when the platform offers its storage for this login.
        self.platform_storage: platform_storage.PlatformStorage | None = None
        self.state = ""
        self.nonce = ""

    def get_redirect(self, url: str) -> FastAPIRedirect:
        return FastAPIRedirect(url, self._cookie_service)

    def validate_oidc_login(self) -> Registration:
        missing = [name for name in REQUIRED_PARAMS if not self._get_request_param(name)]
        if missing:
            raise errors.MissingParameters(
                f"login without {', '.join(missing)}", fields=", ".join(missing)
            )
        check_target_on_our_host(self._get_request_param("target_link_uri"), self._settings)
        deployment_id = self._get_request_param("lti_deployment_id") or None
        match = self._tool_config.lookup(
            self._get_request_param("iss"),
            self._get_request_param("client_id") or None,
            deployment_id,
        )
        if deployment_id is not None and match.deployment_pk is None:
            raise errors.UnknownDeployment(
                f"login for unknown deployment {deployment_id!r} of platform {match.platform_id}",
                deployment_id=deployment_id,
            )
        return self._tool_config.registration(match)

    def _prepare_redirect_url(self, launch_url: str) -> str:
        """Replaces pylti1p3's version: one state row holds state, nonce and the login
        parameters; the state cookie is partitioned and lives as long as that row."""
        self._registration = self.validate_oidc_login()
        match = self._tool_config.match
        state, nonce = new_token(), new_token()
        ttl = self._settings.nonce_ttl_seconds
        kept = {
            name: value for name in FORWARDED_PARAMS if (value := self._get_request_param(name))
        }
        fresh = relaunch.fresh_launch_url(
            match.auth_login_url, self._get_request_param("lti_message_hint")
        )
        if fresh:
            kept[relaunch.FRESH_LAUNCH_PARAM] = fresh
        target = platform_storage.storage_target(
            self._get_request_param(platform_storage.TARGET_PARAM)
        )
        if target:
            self.platform_storage = platform_storage.PlatformStorage(
                target, origin_of(match.auth_login_url)
            )
            kept[platform_storage.TARGET_PARAM] = target
            kept[platform_storage.ORIGIN_PARAM] = self.platform_storage.origin
        self.state, self.nonce = state, nonce
        self._session_service.save_login(
            state=state,
            nonce=nonce,
            platform_id=match.platform_id,
            login_params=kept,
            ttl_seconds=ttl,
            now=self._now,
        )
        self._cookie_service.set_cookie(state, state, ttl)

        auth_params = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": match.client_id,
            "redirect_uri": launch_url,
            "state": state,
            "nonce": nonce,
            "login_hint": self._get_request_param("login_hint"),
        }
        message_hint = self._get_request_param("lti_message_hint")
        if message_hint:
            auth_params["lti_message_hint"] = message_hint
        auth_url = match.auth_login_url
        return auth_url + ("&" if "?" in auth_url else "?") + urlencode(auth_params)
