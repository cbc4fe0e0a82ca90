"""Dynamic registration (LTI DR 1.0) with the live simulator as the platform: the tool
reads its OpenID configuration, posts its own, stores the registration with the scopes
granted, closes the platform's window, and launches work right after. Configurations
that do not belong to their issuer, refusals and repeats are refused.

Why the simulator and not a platform we did not write: no installable package implements
the platform side of dynamic registration. lti1p3platform (our peer for launches, deep
linking, AGS, NRPS and keys) has none; the registry packages that mention it are tool
side (pylti1p3next, django-lti-dynamic-registration, ltijs); the platforms that have it
are whole LMSs (Moodle, Sakai, Brightspace). ``test_registration_spec.py`` checks the
documents against the spec's text and its example platform instead."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from sqlmodel import Session, select

from kurswerk.app import create_app
from lti.dynamic_registration import issuer_matches, tool_configuration
from lti.models import Deployment, Platform
from tests.conftest import TOOL_BASE_URL
from tests.lti.advantage import landing, launch, start_simulator
from tests.lti.conftest import KeysetServer

SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"


@pytest.fixture
def fresh_sim(app):
    """A simulator the tool does not know yet."""
    sim = start_simulator(app)
    yield sim
    sim.server.stop()


def _register(client, sim, *, token: str | None = "issue", **extra):
    params = {"openid_configuration": sim.config.openid_configuration_url, **extra}
    if token == "issue":
        token = sim.app.state.registration_tokens.issue()
    if token:
        params["registration_token"] = token
    return client.get("/lti/register?" + urlencode(params))


def _platforms(db: Session) -> list[Platform]:
    db.expire_all()
    return list(db.exec(select(Platform)).all())


def test_registration_stores_the_platform_and_closes_the_window(client, fresh_sim, db):
    page = _register(client, fresh_sim)
    assert page.status_code == 200, page.text
    assert "Kurswerk ist registriert" in page.text
    assert "/lti/static/register_close.js" in page.text
    # The platform frames this page before it is registered: its origin may.
    assert f"frame-ancestors 'self' {fresh_sim.url}" in page.headers["content-security-policy"]

    [platform] = _platforms(db)
    config = fresh_sim.config
    assert (platform.issuer, platform.client_id) == (config.issuer, config.client_id)
    assert platform.auth_login_url == config.auth_url
    assert platform.auth_token_url == config.token_url
    assert platform.keyset_url == config.jwks_url
    assert set((platform.granted_scopes or "").split()) == {
        LINEITEM,
        SCORE,
        MEMBERSHIPS,
        "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    }
    [deployment] = db.exec(select(Deployment)).all()
    assert deployment.deployment_id == config.deployment_id

    stored = fresh_sim.course.registration
    assert stored is not None
    assert stored.jwks_uri == TOOL_BASE_URL + "/lti/jwks"
    assert stored.initiate_login_uri == TOOL_BASE_URL + "/lti/login"
    assert set(stored.messages) == {
        "LtiResourceLinkRequest",
        "LtiDeepLinkingRequest",
        "LtiSubmissionReviewRequest",
    }
    assert {"name", "email"} <= set(stored.claims)

    # Launches work at once with what was stored.
    path, _ = landing(launch(client, fresh_sim, "lena"))
    assert path.startswith("/c/")


def test_the_close_script_posts_the_spec_message(client):
    script = client.get("/lti/static/register_close.js")
    assert script.status_code == 200
    assert "org.imsglobal.lti.close" in script.text and "postMessage" in script.text


def test_granted_scopes_are_recorded_as_the_platform_granted_them(client, app, db):
    sim = start_simulator(app, granted_scopes=(MEMBERSHIPS,))
    try:
        assert _register(client, sim).status_code == 200
        [platform] = _platforms(db)
        assert platform.granted_scopes == MEMBERSHIPS
    finally:
        sim.server.stop()


def test_a_wrong_registration_token_is_refused_by_the_platform(client, fresh_sim, db):
    page = _register(client, fresh_sim, token="not-issued")
    assert page.status_code == 400
    assert "hat die Registrierung abgelehnt" in page.text and "HTTP 401" in page.text
    assert _platforms(db) == []
    assert "register_close.js" not in page.text


def test_registering_twice_says_already_registered_and_changes_nothing(client, fresh_sim, db):
    """Issue 9 §6: the LMS's second "register" is no failure - the tool says it is
    already registered, closes the LMS's frame like a first registration, and keeps its
    registration; the LMS's list of tools still shows the tool."""
    assert _register(client, fresh_sim).status_code == 200
    before = _platforms(db)[0].keyset_url
    again = _register(client, fresh_sim)
    assert again.status_code == 200
    assert "Kurswerk ist schon registriert" in again.text
    assert "fehlgeschlagen" not in again.text and 'role="alert"' not in again.text
    assert "/lti/static/register_close.js" in again.text
    [platform] = _platforms(db)
    assert platform.keyset_url == before
    listed = httpx.get(fresh_sim.url + "/tools", timeout=10)
    assert listed.status_code == 200
    assert fresh_sim.config.client_id in listed.text
    assert "Noch kein Tool" not in listed.text


def _config_document(issuer: str, base: str) -> dict:
    return {
        "issuer": issuer,
        "authorization_endpoint": base + "/auth",
        "token_endpoint": base + "/token",
        "jwks_uri": base + "/jwks",
        "registration_endpoint": base + "/register",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": "evil"
        },
    }


def test_a_configuration_for_another_issuer_is_refused(client, db, keyset_server: KeysetServer):
    base = keyset_server.url("")
    keyset_server.documents["/.well-known/openid-configuration"] = _config_document(
        "https://moodle.victim.example", base
    )
    page = client.get(
        "/lti/register",
        params={"openid_configuration": keyset_server.url("/.well-known/openid-configuration")},
    )
    assert page.status_code == 400
    assert "Issuer" in page.text
    assert keyset_server.hits["/register"] == 0  # nothing was sent anywhere
    assert _platforms(db) == []


@pytest.mark.parametrize(
    ("issuer", "url", "ok"),
    [
        ("https://lms.example", "https://lms.example/.well-known/openid-configuration", True),
        ("https://lms.example/", "https://lms.example/.well-known/openid-configuration", True),
        ("https://lms.example/moodle", "https://lms.example/moodle/mod/lti/openid.php", True),
        ("https://lms.example", "https://lms.example.evil/.well-known/openid", False),
        ("https://lms.example", "https://lms.examplex/x", False),
        ("https://lms.example/moodle", "https://lms.example/moodle2/x", False),
        ("https://other.example", "https://lms.example/x", False),
        ("", "https://lms.example/x", False),
    ],
)
def test_issuer_prefix_match_stops_at_a_boundary(issuer, url, ok):
    assert issuer_matches(issuer, url) is ok


@pytest.mark.parametrize(
    "change",
    [
        {"registration_endpoint": None},
        {"jwks_uri": "ftp://x/jwks"},
        {"id_token_signing_alg_values_supported": ["HS256"]},
        {"token_endpoint_auth_methods_supported": ["client_secret_basic"]},
        {"https://purl.imsglobal.org/spec/lti-platform-configuration": None},
    ],
    ids=["no-registration-endpoint", "bad-jwks-url", "no-rs256", "no-private-key-jwt", "not-lti"],
)
def test_an_incomplete_configuration_is_refused(client, db, keyset_server, change):
    base = keyset_server.url("")
    document = _config_document(base, base)
    for key, value in change.items():
        if value is None:
            document.pop(key)
        else:
            document[key] = value
    keyset_server.documents["/.well-known/openid-configuration"] = document
    page = client.get(
        "/lti/register",
        params={"openid_configuration": keyset_server.url("/.well-known/openid-configuration")},
    )
    assert page.status_code == 400
    assert _platforms(db) == []


def test_an_unreachable_platform_is_a_clear_error(client, db):
    page = client.get(
        "/lti/register", params={"openid_configuration": "http://127.0.0.1:9/.well-known/x"}
    )
    assert page.status_code == 502
    assert "nicht erreichbar" in page.text


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "file:///etc/passwd", "not a url"])
def test_a_bad_configuration_url_is_refused_without_a_request(client, db, url):
    page = client.get("/lti/register", params={"openid_configuration": url})
    assert page.status_code == 400
    assert _platforms(db) == []


def test_a_registration_key_when_set_is_required(settings, engine, fresh_sim, db):
    from fastapi.testclient import TestClient
    from pydantic import SecretStr

    keyed = settings.model_copy(update={"registration_key": SecretStr("s3cret-registration-key")})
    with TestClient(create_app(keyed), base_url=TOOL_BASE_URL) as client:
        assert _register(client, fresh_sim).status_code == 403
        assert _register(client, fresh_sim, key="wrong").status_code == 403
        assert _platforms(db) == []
        assert _register(client, fresh_sim, key="s3cret-registration-key").status_code == 200
    assert len(_platforms(db)) == 1


def test_production_without_a_key_refuses_dynamic_registration(settings, engine, fresh_sim, db):
    from fastapi.testclient import TestClient

    production = settings.model_copy(update={"env": "production"})
    with TestClient(create_app(production), base_url=TOOL_BASE_URL) as client:
        page = _register(client, fresh_sim)
    assert page.status_code == 403
    assert "KURSWERK_REGISTRATION_KEY" in page.text
    assert _platforms(db) == []


def test_the_tool_configuration_names_what_kurswerk_needs(settings):
    config = tool_configuration(settings)
    tool = config["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    assert config["initiate_login_uri"] == TOOL_BASE_URL + "/lti/login"
    assert config["redirect_uris"] == [TOOL_BASE_URL + "/lti/launch"]
    assert config["jwks_uri"] == TOOL_BASE_URL + "/lti/jwks"
    assert config["token_endpoint_auth_method"] == "private_key_jwt"
    assert set(config["scope"].split()) == {
        LINEITEM,
        SCORE,
        MEMBERSHIPS,
        "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    }
    assert tool["domain"] == "kurswerk.test"
    assert {"name", "email"} <= set(tool["claims"])
    deep = next(m for m in tool["messages"] if m["type"] == "LtiDeepLinkingRequest")
    assert deep["target_link_uri"] == TOOL_BASE_URL + "/lti/launch"
