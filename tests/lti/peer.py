"""Shims that make PyPI ``lti1p3platform`` 0.1.8 a platform peer in tests.

Its FastAPI request adapter is commented out and its OIDC login leaves
``set_lti_message_hint`` abstract; these are the few lines it needs. Everything that
matters — building the login initiation, validating our authorisation request,
signing the id_token with its own key — is the package's own code, not ours.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from fastapi import Request as HttpRequest
from fastapi.responses import JSONResponse
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.response import generate_next_link
from lti1p3platform.service_connector import NamesRoleProvisioningService


def new_key_pems() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class PeerPlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration


class PeerRequest(Request):
    """The browser's GET to the platform's authorisation endpoint, from our redirect."""

    def build_metadata(self, request: Any) -> TRequest:
        parts = urlsplit(str(request))
        return {
            "method": "GET",
            "form_data": {},
            "get_data": dict(parse_qsl(parts.query)),
            "headers": {},
            "content_type": None,
            "path": parts.path,
            "json": None,
        }


class PeerOIDCLogin(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class PeerMessageLaunch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data  # the auto-submitting form's fields: id_token, state, launch_url


class Peer:
    """One lti1p3platform registration of Kurswerk, with its own key pair."""

    def __init__(
        self, *, issuer: str, client_id: str, deployment_id: str, tool_base_url: str
    ) -> None:
        private, public = new_key_pems()
        self.registration = (
            Registration()
            .set_iss(issuer)
            .set_client_id(client_id)
            .set_deployment_id(deployment_id)
            .set_oidc_login_url(tool_base_url + "/lti/login")
            .set_launch_url(tool_base_url + "/lti/launch")
            .set_tool_key_set_url(tool_base_url + "/lti/jwks")
            .set_platform_private_key(private)
            .set_platform_public_key(public)
        )
        self.conf = PeerPlatformConf(registration=self.registration)

    def jwks(self) -> dict[str, Any]:
        return dict(self.conf.get_jwks())

    def login_initiation_url(self, *, user_id: str, message_hint: str = "resource-1") -> str:
        login = PeerOIDCLogin(None, self.conf)
        login.set_lti_message_hint(hint=message_hint)
        return str(login.initiate_login(user_id))

    def answer_authorisation(
        self,
        authorisation_url: str,
        *,
        user_id: str,
        roles: list[str],
        context_id: str = "course-7",
        name: str | None = "Erika Mustermann",
        email: str | None = "erika@example.org",
        locale: str | None = "de-DE",
        custom: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        memberships_url: str | None = None,
    ) -> dict[str, Any]:
        """Validate our authorisation request and sign the launch, as the platform does
        (with the NRPS claim when ``memberships_url`` is given). ``extra`` claims go in
        last (lti1p3platform's ``set_extra_claims``): e.g. the ``message_type`` and
        ``for_user`` of a submission review request."""
        launch = PeerMessageLaunch(PeerRequest(authorisation_url), self.conf)
        launch.set_user_data(user_id, roles, full_name=name, email_address=email)
        launch.set_resource_link_claim("resource-1", title="Kurswerk")
        launch.set_launch_context_claim(
            context_id,
            context_types=["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            context_title="Social-Media-Strategie",
            context_label="SMS-1",
        )
        if locale:
            launch.set_extra_claims(
                {
                    "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
                        "document_target": "iframe",
                        "locale": locale,
                    }
                }
            )
        if custom:
            launch.set_custom_parameters_claim(custom)
        if extra:
            launch.set_extra_claims(extra)
        if memberships_url:
            launch.set_nrps(memberships_url)
        return dict(launch.lti_launch())


class PeerDeepLinking(Peer):
    """The same peer, sending an ``LtiDeepLinkingRequest`` (lti1p3platform's ``set_dl``)
    and validating the tool's answer with its own code."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.registration.set_deeplink_launch_url(kwargs["tool_base_url"] + "/lti/launch")
        self.return_url = kwargs["issuer"] + "/deep-link/return"

    def answer_deep_linking(
        self,
        authorisation_url: str,
        *,
        user_id: str,
        roles: list[str],
        data: dict[str, Any] | None,
        accept_types: set[str] | None = None,
        context_id: str = "course-7",
    ) -> dict[str, Any]:
        launch = PeerMessageLaunch(PeerRequest(authorisation_url), self.conf)
        launch.set_user_data(user_id, roles, full_name="Tina Tutor", email_address="t@example.org")
        launch.set_launch_context_claim(context_id, context_title="Social-Media-Strategie")
        launch.set_dl(
            self.return_url,
            title="Kurswerk",
            accept_types=accept_types or {"ltiResourceLink"},
            extra_data=data,
        )
        return dict(launch.lti_launch())

    def validate_answer(self, jwt_value: str, tool_jwks: dict[str, Any]) -> list[dict[str, Any]]:
        """lti1p3platform's check of a deep-linking response (signature by the tool's
        key, message type, accepted item types); returns the content items."""
        self.registration.set_tool_key_set(tool_jwks)
        self.conf.set_accepted_deeplinking_types(["ltiResourceLink"])
        return list(self.conf.validate_deeplinking_resp({"JWT": jwt_value}))

    def decode_answer(self, jwt_value: str, tool_jwks: dict[str, Any]) -> dict[str, Any]:
        self.registration.set_tool_key_set(tool_jwks)
        return dict(self.conf.tool_validate_and_decode(jwt_value))


# --- The peer's token endpoint and roster service (NRPS), served over HTTP -------------


class PeerServiceRequest(Request):
    """A service request as lti1p3platform's services read it. Two things are the
    adapter's to decide: the platform's page size (a default ``limit``, as platforms page
    without being asked: lti1p3platform writes a next link only when ``limit`` is set),
    and numbers in the query as numbers (its page counter adds 1 to ``page``: with the
    query's string, page 2 would crash)."""

    def __init__(self, request: Any, *, page_size: int) -> None:
        self._page_size = page_size
        super().__init__(request)

    def build_metadata(self, request: Any) -> TRequest:
        query: dict[str, Any] = {"limit": self._page_size}
        for name, value in request.query_params.items():
            query[name] = int(value) if name in ("limit", "page") and value.isdigit() else value
        return {
            "method": request.method,
            "form_data": {},
            "get_data": query,
            "headers": request.headers,  # case-insensitive: it asks for "Authorization"
            "content_type": request.headers.get("content-type"),
            "path": request.url.path,
            "json": None,
        }


class PeerRoster(NamesRoleProvisioningService):
    """lti1p3platform's NRPS service over a fixed list of members."""

    def __init__(self, *args: Any, members: list[dict[str, Any]], context: Context, **kw: Any):
        super().__init__(*args, **kw)
        self._members = members
        self._context = context

    def get_member_data_page(
        self, page: int = 1, limit: int | None = None, role: str | None = None, since=None
    ) -> dict[str, Any]:
        size = limit or len(self._members) or 1
        start = (page - 1) * size
        return {
            "content": [dict(m) for m in self._members[start : start + size]],
            "has_next": start + size < len(self._members),
        }

    def get_context_by_id(self) -> Context:
        return self._context


def peer_services_app(
    peer: Peer,
    *,
    base_url: str,
    tool_jwks: dict[str, Any],
    members: list[dict[str, Any]],
    page_size: int,
) -> FastAPI:
    """A small ASGI app: ``GET /jwks`` (the peer's key set), ``POST /token``
    (lti1p3platform's client-credentials grant,
    checking the tool's signed assertion against ``tool_jwks``) and ``GET /memberships``
    (its NRPS service, ``Link: <…>; rel=next`` written with its own helper, as its Django
    adapter does). ``hits`` counts the requests by path."""
    peer.registration.set_tool_key_set(tool_jwks)
    app = FastAPI()
    app.state.hits = Counter()
    context = Context(id="course-7", label="SMS-1", title="Social-Media-Strategie")

    @app.get("/jwks")
    def jwks() -> dict[str, Any]:
        return peer.jwks()

    @app.post("/token")
    async def token(request: HttpRequest) -> JSONResponse:
        app.state.hits["/token"] += 1
        form = dict((await request.form()).items())
        try:
            return JSONResponse(peer.conf.get_access_token(form))
        except Exception as exc:  # noqa: BLE001 - the peer's refusal, as an OAuth error
            return JSONResponse({"error": "invalid_client", "detail": str(exc)}, 400)

    @app.get("/memberships")
    def memberships(request: HttpRequest) -> JSONResponse:
        app.state.hits["/memberships"] += 1
        service = PeerRoster(
            PeerServiceRequest(request, page_size=page_size),
            peer.conf,
            base_url + "/memberships",
            members=members,
            context=context,
        )
        answer = service.handle_resp(service.handle_get_members)
        headers = {}
        if answer.result and answer.result.get("next"):
            headers["Link"] = generate_next_link(answer.result["next"])
        return JSONResponse(
            answer.result or {"error": answer.message},
            status_code=answer.code,
            media_type=answer.media_type,
            headers=headers,
        )

    return app
