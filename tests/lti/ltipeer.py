"""lti1p3platform (PyPI 0.1.8) as a live LTI Advantage platform on a loopback socket.

Every LTI decision is the package's own code: its OIDC login initiation, its check of our
authorisation request and its signing of the id_token (``LTIAdvantageMessageLaunch``
with its AGS, NRPS and deep-linking claims), its key set (``get_jwks``), its token
endpoint (``get_access_token``, which verifies our client assertion against the key set
it fetches from our ``/lti/jwks``), its AGS and NRPS handlers
(``service_connector.AssignmentsGradesService`` and ``NamesRoleProvisioningService``,
which check the bearer token themselves with ``@authenticate`` and build the paging
links) and its deep-linking response check (``validate_deeplinking_resp``).

The shims are what the package leaves abstract or out: the HTTP routing (a FastAPI app
whose adapter, ``tests/lti/peer_http``, turns a Starlette request into the package's
``TRequest`` and its ``Response`` into JSON with the ``Link`` header, as its Django
adapter does), the in-memory storage behind the abstract service methods
(``tests/lti/peer_gradebook``: line items, scores, members), the
people and messages a launch is about (a real platform knows them from its session and
its gradebook; here the test says them beforehand), and the faults a test asks for.

Known bugs of 0.1.8, worked around here and nowhere else:

* query values reach the handlers as strings, so the second page of a roster or of the
  line items crashes in ``page + 1`` (``"2" + 1``): the adapter passes ``page`` and
  ``limit`` as integers;
* the NRPS handler links a next page only when the *tool* sent ``limit``, which the
  spec does not ask tools to do (NRPS 2.0 §2.4.2 lets the platform page): the routing
  adds the platform's own page size as ``limit`` when the tool sent none;
* the token endpoint reads the tool's key set once and never again, so it would refuse
  a tool's new key for ever: ``get_tool_public_key`` fetches the key set once more when
  the ``kid`` is unknown (what Moodle and Canvas do), and counts the fetches;
* a bearer token that does not verify (e.g. signed with the platform's previous key)
  makes ``validate_token`` raise instead of answering 401: the routing answers 401.

The package grants every scope a tool asks for; a platform that grants fewer is the
shim's ``granted_scopes``: the launch then carries only those service claims, and the
token endpoint passes only those on to ``get_access_token``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import count
from typing import Any

import httpx
import jwt
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.testclient import TestClient
from lti1p3platform import exceptions as peer_errors
from lti1p3platform.framework.templates import template
from lti1p3platform.registration import Registration
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from tests.devplatform.forms import only_form
from tests.lti.conftest import register
from tests.lti.peer import PeerMessageLaunch, PeerOIDCLogin, new_key_pems
from tests.lti.peer_gradebook import (
    AGS_SCOPES,
    ALL_SCOPES,
    LINEITEM,
    MEMBERSHIPS,
    RESULT,
    SCORE,
    Gradebook,
    GradesService,
    RosterService,
)
from tests.lti.peer_http import HttpRequest, LivePlatformConf, Served, read_request, to_http

__all__ = ["ALL_SCOPES", "MEMBERSHIP", "MEMBERSHIPS", "SCORE", "LivePeer", "Message", "Served"]

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
COURSE_TYPE = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"


@dataclass
class Message:
    """What one launch is about: who, in which role, and which LTI message."""

    user_id: str
    roles: list[str]
    name: str | None = None
    email: str | None = None
    kind: str = "LtiResourceLinkRequest"
    resource_link_id: str = "link-1"
    custom: dict[str, str] | None = None
    for_user: dict[str, Any] | None = None
    lineitem_url: str | None = None
    deep_link_data: dict[str, Any] | None = None


@dataclass
class DeepLinkedItem:
    resource_link_id: str
    item: dict[str, Any]


class LivePeer:
    """One lti1p3platform registration of Kurswerk, served on loopback.

    ``fail_next[name]`` answers the next requests to an endpoint with the listed
    statuses (``token``, ``lineitems``, ``scores``, ``memberships``, ``jwks``, ...);
    ``go_down()``/``come_up()`` close and reopen its socket; ``granted_scopes`` is what
    it grants; ``rotate_key()`` gives it a new key pair (a new ``kid``).
    """

    def __init__(
        self,
        *,
        tool_base_url: str,
        tool_jwks_url: str,
        client_id: str = "kurswerk-live-peer",
        deployment_id: str = "live-deployment-1",
        granted_scopes: frozenset[str] = ALL_SCOPES,
        nrps_page_size: int | None = None,
    ) -> None:
        self.app = FastAPI()
        self.served = Served(self.app)
        self.issuer = self.served.url
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.granted_scopes = frozenset(granted_scopes)
        self.nrps_page_size = nrps_page_size
        self.requests: Counter[str] = Counter()
        self.fail_next: dict[str, list[int]] = {}
        self.book = Gradebook(lineitems_url=self.issuer + "/lineitems")
        self.deep_linked: list[DeepLinkedItem] = []
        self._messages: dict[str, Message] = {}
        self._hints = count(1)
        private, public = new_key_pems()
        self.registration = (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(client_id)
            .set_deployment_id(deployment_id)
            .set_oidc_login_url(tool_base_url + "/lti/login")
            .set_launch_url(tool_base_url + "/lti/launch")
            .set_deeplink_launch_url(tool_base_url + "/lti/launch")
            .set_tool_key_set_url(tool_jwks_url)
            .set_platform_private_key(private)
            .set_platform_public_key(public)
        )
        self.conf = LivePlatformConf(registration=self.registration)
        self._routes()

    # -- URLs and registration -----------------------------------------------------

    @property
    def auth_url(self) -> str:
        return self.issuer + "/auth"

    @property
    def token_url(self) -> str:
        return self.issuer + "/token"  # where ``conftest.register`` expects it

    @property
    def jwks_url(self) -> str:
        return self.issuer + "/jwks"

    @property
    def memberships_url(self) -> str:
        return self.issuer + "/memberships"

    @property
    def deep_link_return_url(self) -> str:
        return self.issuer + "/deep-link/return"

    def register(self, db: Session, *, granted_scopes: list[str] | None = None) -> int:
        """Register this platform in the tool, as ``kurswerk platform add`` does."""
        return register(
            db,
            issuer=self.issuer,
            client_id=self.client_id,
            deployment_id=self.deployment_id,
            auth_url=self.auth_url,
            keyset_url=self.jwks_url,
            name="lti1p3platform",
            granted_scopes=granted_scopes,
        )

    def kid(self) -> str:
        return str(self.registration.get_kid())

    def rotate_key(self) -> None:
        private, public = new_key_pems()
        self.registration.set_platform_private_key(private).set_platform_public_key(public)

    def go_down(self) -> None:
        self.served.stop()

    def come_up(self) -> None:
        self.served.start()

    def stop(self) -> None:
        self.served.stop()

    # -- a launch through the whole OIDC flow ----------------------------------------

    def launch(self, tool: TestClient, message: Message) -> httpx.Response:
        """The learner's or tutor's click: the package's login initiation to the tool,
        the browser's hop to this platform's authorisation endpoint (real HTTP), and
        the auto-posting form it answers posted to the tool. The tool's answer."""
        hint = f"message-{next(self._hints)}"
        self._messages[hint] = message
        login = PeerOIDCLogin(None, self.conf)
        login.set_lti_message_hint(hint=hint)
        redirect = tool.get(str(login.initiate_login(message.user_id)), follow_redirects=False)
        assert redirect.status_code == 302, redirect.text
        location = redirect.headers["location"]
        assert location.startswith(self.auth_url + "?"), location
        page = httpx.get(location, timeout=10)
        assert page.status_code == 200, page.text
        form = only_form(page.text)
        return tool.post(form.action, data=form.fields, follow_redirects=False)

    # -- HTTP ----------------------------------------------------------------------

    def _fault(self, name: str) -> Response | None:
        self.requests[name] += 1
        scripted = self.fail_next.get(name)
        if scripted:
            status = scripted.pop(0)
            error = "invalid_client" if status == 401 else "scripted failure"
            return JSONResponse({"error": error, "error_description": f"{name}: scripted"}, status)
        return None

    def _authorise(self, request: HttpRequest) -> Response:
        query = request.get_data
        message = self._messages.pop(str(query.get("lti_message_hint")), None)
        if message is None or query.get("login_hint") != message.user_id:
            return JSONResponse({"error": "login_required"}, 400)  # no such click
        launch = PeerMessageLaunch(request, self.conf)  # type: ignore[arg-type]
        launch.set_user_data(message.user_id, message.roles, message.name, message.email)
        launch.set_resource_link_claim(message.resource_link_id, title="Kurswerk")
        context = self.book.context
        launch.set_launch_context_claim(context.id, [COURSE_TYPE], context.title, context.label)
        ags = self.granted_scopes & AGS_SCOPES
        if ags:
            launch.set_ags(
                self.book.lineitems_url,
                message.lineitem_url,
                allow_creating_lineitems=LINEITEM in ags,
                results_service_enabled=RESULT in ags,
                scores_service_enabled=SCORE in ags,
            )
        if MEMBERSHIPS in self.granted_scopes:
            launch.set_nrps(self.memberships_url)
        if message.custom:
            launch.set_custom_parameters_claim(message.custom)
        if message.kind == "LtiDeepLinkingRequest":
            launch.set_dl(
                self.deep_link_return_url,
                title="Kurswerk",
                accept_types={"ltiResourceLink"},
                extra_data=message.deep_link_data,
            )
        elif message.kind != "LtiResourceLinkRequest":
            claims: dict[str, Any] = {CLAIM + "message_type": message.kind}
            if message.for_user is not None:
                claims[CLAIM + "for_user"] = message.for_user
            launch.set_extra_claims(claims)
        fields = launch.lti_launch()
        return HTMLResponse(template.render(fields))

    def _token(self, request: HttpRequest) -> Response:
        form = dict(request.form_data)
        asked = str(form.get("scope", "")).split()
        granted = [scope for scope in asked if scope in self.granted_scopes]
        if not granted:
            return JSONResponse({"error": "invalid_scope"}, 400)  # RFC 6749 §5.2
        form["scope"] = " ".join(granted)
        try:
            return JSONResponse(dict(self.conf.get_access_token(form)))
        except (peer_errors.MissingRequiredClaim, peer_errors.UnsupportedGrantType) as exc:
            return JSONResponse({"error": "invalid_request", "error_description": repr(exc)}, 400)
        except (peer_errors.LtiException, peer_errors.InvalidKeySetUrl, jwt.PyJWTError) as exc:
            return JSONResponse({"error": "invalid_client", "error_description": str(exc)}, 401)

    def _service(self, call: Any, **kwargs: Any) -> Response:
        try:
            return to_http(call.__self__.handle_resp(call, **kwargs))
        except (jwt.InvalidTokenError, peer_errors.LtiException) as exc:
            return JSONResponse({"error": f"Invalid LTI 1.3 authentication token: {exc}"}, 401)

    def _grades(self, request: HttpRequest) -> GradesService:
        return GradesService(request, self.conf, self.book, self.granted_scopes)

    def _roster(self, request: HttpRequest) -> Response:
        if self.nrps_page_size and "limit" not in request.get_data:
            request.get_data["limit"] = self.nrps_page_size
        roster = RosterService(request, self.conf, self.book, self.memberships_url)
        return self._service(roster.handle_get_members)

    def _deep_link_return(self, request: HttpRequest) -> Response:
        try:
            items = self.conf.validate_deeplinking_resp(dict(request.form_data))
        except (peer_errors.LtiDeepLinkingResponseException, peer_errors.LtiException) as exc:
            return JSONResponse({"error": str(exc)}, 400)
        except jwt.InvalidTokenError as exc:
            return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, 400)
        for item in items:
            link_id = f"dl-{len(self.deep_linked) + 1}"
            if isinstance(item.get("lineItem"), dict):
                column = self.book.add_line_item(**item["lineItem"], resourceLinkId=link_id)
                item = {**item, "lineitem_url": column["id"]}
            self.deep_linked.append(DeepLinkedItem(link_id, item))
        return JSONResponse({"added": len(items)})

    def _routes(self) -> None:
        app = self.app

        def route(name: str, handler: Any) -> Any:
            async def endpoint(request: Request) -> Response:
                fault = self._fault(name)
                if fault is not None:
                    return fault
                prepared = await read_request(request)
                return await run_in_threadpool(handler, prepared, **request.path_params)

            return endpoint

        def grades(method: str) -> Any:
            def call(request: HttpRequest, **path: Any) -> Response:
                return self._service(getattr(self._grades(request), method), **path)

            return call

        app.get("/auth")(route("auth", self._authorise))
        app.get("/jwks")(route("jwks", lambda request: JSONResponse(dict(self.conf.get_jwks()))))
        app.post("/token")(route("token", self._token))
        app.get("/lineitems")(route("lineitems", grades("handle_get_lineitems")))
        app.post("/lineitems")(route("lineitems", grades("handle_create_lineitem")))
        app.get("/lineitems/{line_item_id}")(route("lineitem", grades("handle_get_lineitem")))
        app.put("/lineitems/{line_item_id}")(route("lineitem", grades("handle_update_lineitem")))
        app.delete("/lineitems/{line_item_id}")(route("lineitem", grades("handle_delete_lineitem")))
        app.post("/lineitems/{line_item_id}/scores")(route("scores", grades("handle_update_score")))
        app.get("/lineitems/{line_item_id}/results")(route("results", grades("handle_get_results")))
        app.get("/memberships")(route("memberships", self._roster))
        app.post("/deep-link/return")(route("deep_link_return", self._deep_link_return))
