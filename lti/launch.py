"""Validation of an LTI 1.3 launch (``POST /lti/launch``): a resource link, a deep-linking
request or a submission review request.

pylti1p3's ``MessageLaunch`` with its steps replaced where it is too lax, in this order:

1. **state cookie** — the ``state`` must come back with the partitioned cookie named
   after it (binds the launch to the browser that logged in; Security Framework §5.1.1.2).
   Without the cookie, where the login kept state and nonce in the platform's storage,
   we raise ``PlatformStorageCheck`` (the route answers with a page that reads them back)
   or, when that page posted them, check them instead of the cookie
   (``lti.platform_storage``). Otherwise, with an unused state, we raise
   ``StateCookieMissing``: the route offers to finish the launch in a new window.
2. **token format**, then **registration** by ``iss`` and client id (``aud``; when
   ``aud`` is a list, ``azp`` must be present and name the client, §5.1.3 step 3/4).
3. **signature** — RS256 only, key by ``kid`` from the platform's cached key set;
   ``exp``/``iat`` with ``launch_leeway_seconds``, a token issued in the future refused.
4. **deployment** known for that platform; **message**: one of the supported types,
   version 1.3.0, ``roles``, ``sub``, the ``context`` (we need a course), and per type:
   ``resource_link.id`` (resource link; submission review, with ``for_user``), the
   ``deep_linking_settings`` (deep linking, DL 2.0 §4.4); ``target_link_uri`` on our host
   (LTI 1.3 §5.3, §5.4).
5. **nonce** — consumed together with the state, atomically (single use); with platform
   storage, the stored nonce must be the token's.

Spec: https://www.imsglobal.org/spec/lti/v1p3/ and
https://www.imsglobal.org/spec/security/v1p0/#authentication-response-validation
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import jwt
from fastapi.responses import Response
from pylti1p3.message_launch import MessageLaunch, TJwtData, TLaunchData
from pylti1p3.registration import TKeySet

from kurswerk.core.settings import Settings
from lti import errors
from lti.adapter import (
    FastAPICookieService,
    FastAPIRequest,
    KurswerkSessionService,
    KurswerkToolConf,
    RequestAdapter,
)
from lti.identities import CLAIM
from lti.jwks import KeySetCache
from lti.launch_claims import check_message, client_id_from_audience
from lti.login import check_target_on_our_host
from lti.platform_storage import PlatformStorage, StorageProof
from lti.registrations import RegistrationMatch

ALGORITHM = "RS256"


class StateCookieMissing(Exception):
    """The launch came back without our state cookie, but for a real, unused login:
    the browser refused the cookie inside the iframe."""

    def __init__(self, login_params: dict[str, str]) -> None:
        super().__init__("state cookie missing")
        self.login_params = login_params


class PlatformStorageCheck(Exception):
    """No state cookie, but the login kept state and nonce in the platform's storage: a
    page of ours must read them back from there first."""

    def __init__(self, storage: PlatformStorage) -> None:
        super().__init__("state in platform storage")
        self.storage = storage


class KurswerkMessageLaunch(
    MessageLaunch[FastAPIRequest, KurswerkToolConf, KurswerkSessionService, FastAPICookieService]
):
    def __init__(
        self,
        adapter: RequestAdapter,
        *,
        key_sets: KeySetCache,
        settings: Settings,
        now: datetime,
        storage_proof: StorageProof | None = None,
    ) -> None:
        super().__init__(
            adapter.request,
            adapter.tool_conf,
            session_service=adapter.sessions,
            cookie_service=adapter.cookies,
            launch_data_storage=adapter.storage,
            requests_session=key_sets.http,
        )
        self._key_sets = key_sets
        self._settings = settings
        self._now = now
        # What our storage page read from the platform, when it posted the launch.
        self._storage_proof = storage_proof
        self._bound_by_storage = False
        self._client_id: str | None = None
        self.set_launch_data_lifetime(settings.session_ttl_minutes * 60)

    def _get_request_param(self, key: str) -> str:
        return self._request.get_param(key)

    @classmethod
    def restore(
        cls,
        launch_id: str,
        adapter: RequestAdapter,
        *,
        key_sets: KeySetCache,
        settings: Settings,
        now: datetime,
    ) -> KurswerkMessageLaunch:
        """A validated launch, back from the launch data store by its id (pylti1p3's
        ``from_cache``; for a later step such as a deep-linking response)."""
        launch = cls(adapter, key_sets=key_sets, settings=settings, now=now)
        body = launch.get_session_service().get_launch_data(launch_id)
        if not body:
            raise errors.LaunchExpired(f"no stored launch {launch_id!r} (expired or unknown)")
        launch.set_launch_id(launch_id).set_auto_validation(enable=False)
        launch.set_jwt(TJwtData(body=cast(TLaunchData, body)))
        launch.set_restored()
        launch.validate_registration()
        return launch

    # -- the order of the checks -------------------------------------------------

    def validate(self) -> KurswerkMessageLaunch:
        if self._restored:
            raise errors.InvalidToken("a restored launch cannot be validated again")
        self._validated = True  # pylti1p3 reads the body through _get_jwt_body()
        try:
            self.validate_state()
            self.validate_jwt_format()
            self.validate_registration()
            self.validate_jwt_signature()
            self.validate_deployment()
            self.validate_message()
            self.validate_target_link_uri()
            self.validate_nonce()
            self.save_launch_data()
        except BaseException:
            self._validated = False
            raise
        return self

    @property
    def match(self) -> RegistrationMatch:
        return self._tool_config.match

    @property
    def claims(self) -> dict[str, Any]:
        return dict(self._jwt.get("body", {}))

    @property
    def message_type(self) -> str:
        return str(self._jwt.get("body", {}).get(CLAIM + "message_type"))

    # -- 1. state bound to the browser ------------------------------------------

    def validate_state(self) -> KurswerkMessageLaunch:
        state = self._get_request_param("state")
        if not state:
            raise errors.MissingParameters("launch without state", fields="state")
        cookie = self._cookie_service.get_cookie(state)
        if cookie is not None:
            if cookie != state:
                raise errors.StateMismatch("state cookie does not match the state parameter")
            return self
        proof = self._storage_proof
        if proof is not None and proof.found:
            proof.check_state(state)
            self._bound_by_storage = True
            return self
        if proof is None:  # not yet asked: does the platform keep this login's state?
            pending = self._session_service.peek_pending_login(state=state, now=self._now)
            storage = PlatformStorage.of_login(pending)
            if storage is not None:
                raise PlatformStorageCheck(storage)
        # No cookie, and the platform's storage (if any) knows nothing of this login.
        params = self._session_service.take_pending_login(state=state, now=self._now)
        raise StateCookieMissing(params)

    @property
    def bound_by_platform_storage(self) -> bool:
        return self._bound_by_storage

    # -- 2. format and registration ---------------------------------------------

    def validate_jwt_format(self) -> KurswerkMessageLaunch:
        id_token = self._get_request_param("id_token")
        if not id_token:
            raise errors.MissingParameters("launch without id_token", fields="id_token")
        try:
            header = jwt.get_unverified_header(id_token)
            body = jwt.decode(id_token, options={"verify_signature": False})
        except jwt.InvalidTokenError as exc:
            raise errors.InvalidToken(f"id_token cannot be decoded: {exc}") from exc
        if not isinstance(body, dict):
            raise errors.InvalidToken("id_token payload is not a JSON object")
        self._jwt = TJwtData(header=header, body=body)  # type: ignore[typeddict-item]
        return self

    def get_client_id(self) -> str:
        if self._client_id is None:
            self._client_id = client_id_from_audience(self._jwt.get("body", {}))
        return self._client_id

    def validate_registration(self) -> KurswerkMessageLaunch:
        body = self._jwt.get("body", {})
        iss = body.get("iss")
        if not isinstance(iss, str) or not iss:
            raise errors.MissingClaim("id_token without iss", claim="iss")
        deployment_id = body.get(CLAIM + "deployment_id")
        self._tool_config.lookup(
            iss,
            self.get_client_id(),
            deployment_id if isinstance(deployment_id, str) and deployment_id else None,
        )
        self._registration = self._tool_config.registration(self.match)
        return self

    # -- 3. signature and times ---------------------------------------------------

    def fetch_public_key(self, key_set_url: str) -> TKeySet:
        raise NotImplementedError("platform keys come from KeySetCache (timeouts, caching)")

    def validate_jwt_signature(self) -> KurswerkMessageLaunch:
        header = self._jwt.get("header", {})
        alg = header.get("alg")
        if alg != ALGORITHM:
            raise errors.InvalidSignature(f"alg {alg!r} refused: only {ALGORITHM}")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise errors.InvalidSignature("id_token header without kid")
        match = self.match
        key = self._key_sets.key_for(match.keyset_url, kid)
        try:
            body = jwt.decode(
                self._get_request_param("id_token"),
                key,
                algorithms=[ALGORITHM],
                audience=self.get_client_id(),
                issuer=match.issuer,
                leeway=self._settings.launch_leeway_seconds,
                options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise errors.LaunchExpired(f"id_token expired: {exc}") from exc
        except jwt.ImmatureSignatureError as exc:
            raise errors.IssuedInFuture(f"id_token from the future: {exc}") from exc
        except jwt.InvalidAudienceError as exc:
            raise errors.WrongAudience(f"aud check failed: {exc}") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise errors.MissingClaim(str(exc), claim=exc.claim) from exc
        except (jwt.InvalidIssuedAtError, jwt.InvalidIssuerError) as exc:
            raise errors.InvalidToken(f"id_token claims invalid: {exc}") from exc
        except jwt.InvalidTokenError as exc:  # signature, malformed segments
            raise errors.InvalidSignature(f"signature check failed: {exc}") from exc
        self._jwt["body"] = cast(TLaunchData, body)  # from here on: verified claims only
        return self

    # -- 4. deployment, message, target ----------------------------------------

    def validate_deployment(self) -> KurswerkMessageLaunch:
        deployment_id = self._jwt["body"].get(CLAIM + "deployment_id")
        if not isinstance(deployment_id, str) or not deployment_id:
            raise errors.MissingClaim("id_token without deployment_id", claim="deployment_id")
        if self.match.deployment_pk is None:
            raise errors.UnknownDeployment(
                f"deployment {deployment_id!r} unknown for platform {self.match.platform_id}",
                deployment_id=deployment_id,
            )
        return self

    def validate_message(self) -> KurswerkMessageLaunch:
        check_message(dict(self._jwt["body"]))
        return self

    def validate_target_link_uri(self) -> KurswerkMessageLaunch:
        target = self._jwt["body"].get(CLAIM + "target_link_uri")
        if not isinstance(target, str) or not target:
            raise errors.MissingClaim("id_token without target_link_uri", claim="target_link_uri")
        check_target_on_our_host(target, self._settings)
        return self

    # -- 5. nonce, single use ---------------------------------------------------

    def validate_nonce(self) -> KurswerkMessageLaunch:
        nonce = self._jwt["body"].get("nonce")
        if not isinstance(nonce, str) or not nonce:
            raise errors.MissingClaim("id_token without nonce", claim="nonce")
        if self._bound_by_storage and self._storage_proof is not None:
            self._storage_proof.check_nonce(nonce)
        self._session_service.consume_login(
            state=self._get_request_param("state"),
            nonce=nonce,
            platform_id=self.match.platform_id,
            now=self._now,
        )
        return self

    def save_launch_data(self) -> KurswerkMessageLaunch:
        """Keep the launch body under its launch id (for deep linking, AGS later); unlike
        pylti1p3, never mark the state as valid for this token (that enables replays)."""
        self._session_service.save_launch_data(self._launch_id, self._jwt["body"])
        return self

    def clear_state_cookie(self, response: Response) -> Response:
        self._cookie_service.clear_cookie(self._get_request_param("state"))
        return self._cookie_service.update_response(response)
