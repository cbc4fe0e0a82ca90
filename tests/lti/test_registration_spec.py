"""Dynamic registration checked against the text of LTI Dynamic Registration 1.0
(https://www.imsglobal.org/spec/lti-dr/v1p0/), not against our own code.

No installable platform implements the platform side: lti1p3platform 0.1.8 has no
registration endpoint; the PyPI and npm packages that mention it (pylti1p3next's
``dynamic_registration``, django-lti-dynamic-registration, ltijs) are all tool side;
lti-provider-mock only launches; the platforms that do it (Moodle, Sakai, Brightspace,
Canvas) are whole LMSs, not packages. So the round trip runs against the simulator
(``test_dynamic_registration.py``), and this module checks both documents against the
spec with a platform made of the spec's own examples:

* the platform's OpenID configuration as the spec's example has it (every field the
  spec requires, plus its ``lti-platform-configuration``) is accepted;
* the client registration request Kurswerk posts has what the spec requires of it
  (``application_type`` web, ``response_types`` with ``id_token``, ``grant_types`` with
  ``implicit`` and ``client_credentials``, ``initiate_login_uri``, ``redirect_uris``,
  ``client_name``, ``jwks_uri``, ``token_endpoint_auth_method`` ``private_key_jwt``; the
  ``lti-tool-configuration`` with ``domain`` and ``target_link_uri``, each message with
  its ``type``), sent as JSON with the registration token as bearer;
* the spec's registration response (``client_id``, the ``deployment_id`` in the tool
  configuration, the ``scope`` granted) becomes the stored registration.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from sqlmodel import Session, select

from lti.dynamic_registration import tool_configuration
from lti.models import Deployment, Platform
from tests.lti.conftest import KeysetServer

TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MESSAGE_TYPES = {"LtiResourceLinkRequest", "LtiDeepLinkingRequest", "LtiSubmissionReviewRequest"}


def spec_platform_configuration(base: str) -> dict[str, Any]:
    """The spec's example OpenID configuration, on ``base``."""
    return {
        "issuer": base,
        "authorization_endpoint": base + "/connect/authorize",
        "token_endpoint": base + "/connect/token",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": base + "/jwks.json",
        "registration_endpoint": base + "/connect/register",
        "scopes_supported": [
            "openid",
            "https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly",
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
            SCORE,
            "https://purl.imsglobal.org/spec/lti-reg/scope/registration",
        ],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
        PLATFORM_CONFIG: {
            "product_family_code": "ExampleLMS",
            "version": "1.0",
            "messages_supported": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest"},
            ],
            "variables": ["CourseSection.timeFrame.end", "Context.id.history"],
        },
    }


def _url_problem(value: Any, name: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{name} is not a URL"]
    parts = urlsplit(value)
    return [] if parts.scheme == "https" and parts.netloc else [f"{name} is not an https URL"]


def registration_problems(request: Any) -> list[str]:
    """What the spec's client registration request requires and this one lacks."""
    if not isinstance(request, dict):
        return ["not a JSON object"]
    problems = []
    if request.get("application_type") != "web":
        problems.append("application_type must be web")
    if "id_token" not in (request.get("response_types") or []):
        problems.append("response_types must contain id_token")
    for grant in ("implicit", "client_credentials"):
        if grant not in (request.get("grant_types") or []):
            problems.append(f"grant_types must contain {grant}")
    problems += _url_problem(request.get("initiate_login_uri"), "initiate_login_uri")
    problems += _url_problem(request.get("jwks_uri"), "jwks_uri")
    redirects = request.get("redirect_uris")
    if not isinstance(redirects, list) or not redirects:
        problems.append("redirect_uris must be a non-empty array")
    else:
        for uri in redirects:
            problems += _url_problem(uri, "redirect_uris[]")
    if not isinstance(request.get("client_name"), str) or not request["client_name"].strip():
        problems.append("client_name is required")
    if request.get("token_endpoint_auth_method") != "private_key_jwt":
        problems.append("token_endpoint_auth_method must be private_key_jwt")
    scope = request.get("scope")
    if scope is not None and (not isinstance(scope, str) or "," in scope):
        problems.append("scope must be a space-separated string")
    tool = request.get(TOOL_CONFIG)
    if not isinstance(tool, dict):
        return [*problems, f"{TOOL_CONFIG} is required"]
    domain = tool.get("domain")
    if not isinstance(domain, str) or not domain or "/" in domain:
        problems.append("domain is required: a host (and port), no scheme or path")
    problems += _url_problem(tool.get("target_link_uri"), "target_link_uri")
    claims = tool.get("claims")
    if claims is not None and not (
        isinstance(claims, list) and all(isinstance(c, str) for c in claims)
    ):
        problems.append("claims must be an array of claim names")
    messages = tool.get("messages", [])
    if not isinstance(messages, list):
        return [*problems, "messages must be an array"]
    for message in messages:
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            problems.append("each message needs its type")
        elif "target_link_uri" in message:
            problems += _url_problem(message["target_link_uri"], f"{message['type']} target")
    domains = {domain, *(tool.get("secondary_domains") or [])}
    urls = [request.get("initiate_login_uri"), tool.get("target_link_uri"), *(redirects or [])]
    urls += [m.get("target_link_uri") for m in messages if isinstance(m, dict)]
    for url in filter(None, urls):
        if isinstance(url, str) and urlsplit(url).netloc not in domains:
            problems.append(f"{url} is not on the tool's domain")
    return problems


@pytest.fixture
def spec_platform(keyset_server: KeysetServer) -> KeysetServer:
    """The spec's configuration; its registration endpoint answers the spec's response:
    the request echoed with ``client_id``, the ``deployment_id`` and the scope granted."""
    base = keyset_server.url("")
    keyset_server.documents["/.well-known/openid-configuration"] = spec_platform_configuration(base)

    def register(body: bytes) -> tuple[int, dict[str, Any]]:
        request = json.loads(body)
        answer = {
            **request,
            "client_id": "709sdfnjkds12",
            "registration_client_uri": base + "/connect/register?client_id=709sdfnjkds12",
            "scope": f"{SCORE} {MEMBERSHIPS}",
        }
        answer[TOOL_CONFIG] = {**request[TOOL_CONFIG], "deployment_id": "dep-3"}
        return 201, answer

    keyset_server.answers["/connect/register"] = register
    return keyset_server


def test_the_spec_example_platform_registers_kurswerk_with_a_conforming_request(
    client, spec_platform: KeysetServer, db: Session
):
    params = {
        "openid_configuration": spec_platform.url("/.well-known/openid-configuration"),
        "registration_token": "reg-token-1",
    }
    page = client.get("/lti/register?" + urlencode(params))
    assert page.status_code == 200, page.text

    [(headers, body)] = spec_platform.posted["/connect/register"]
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers["authorization"] == "Bearer reg-token-1"
    assert headers["content-type"].startswith("application/json")
    request = json.loads(body)
    assert registration_problems(request) == []
    tool = request[TOOL_CONFIG]
    assert {m["type"] for m in tool["messages"]} == MESSAGE_TYPES

    [platform] = db.exec(select(Platform)).all()
    base = spec_platform.url("")
    assert (platform.issuer, platform.client_id) == (base, "709sdfnjkds12")
    assert platform.auth_login_url == base + "/connect/authorize"
    assert platform.auth_token_url == base + "/connect/token"
    assert platform.keyset_url == base + "/jwks.json"
    assert set((platform.granted_scopes or "").split()) == {SCORE, MEMBERSHIPS}
    assert [d.deployment_id for d in db.exec(select(Deployment)).all()] == ["dep-3"]


def test_our_tool_configuration_has_what_the_spec_requires(settings):
    assert registration_problems(tool_configuration(settings)) == []


def _without(document: dict[str, Any], path: str) -> dict[str, Any]:
    """A copy without ``path``: a field, ``tool/<field>`` of the tool configuration, or
    ``lti-tool-configuration`` itself."""
    copy = json.loads(json.dumps(document))
    if path.startswith("tool/"):
        copy[TOOL_CONFIG].pop(path.removeprefix("tool/"))
    else:
        copy.pop(TOOL_CONFIG if path == "lti-tool-configuration" else path)
    return copy


@pytest.mark.parametrize(
    "path",
    [
        "application_type",
        "response_types",
        "grant_types",
        "initiate_login_uri",
        "redirect_uris",
        "client_name",
        "jwks_uri",
        "token_endpoint_auth_method",
        "lti-tool-configuration",
        "tool/domain",
        "tool/target_link_uri",
    ],
)
def test_the_check_finds_each_missing_required_field(settings, path):
    """The checker itself can fail: every required field, taken away, is reported."""
    assert registration_problems(_without(tool_configuration(settings), path))


def test_the_check_finds_urls_off_the_domain_and_untyped_messages(settings):
    document = tool_configuration(settings)
    document["redirect_uris"] = ["https://elsewhere.example/lti/launch"]
    document[TOOL_CONFIG]["messages"].append({"label": "no type"})
    problems = registration_problems(document)
    assert any("not on the tool's domain" in p for p in problems)
    assert "each message needs its type" in problems
