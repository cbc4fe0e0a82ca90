"""The OIDC login initiation, the cookies of the flow, and the new-window fallback when
the browser refuses the state cookie inside the LMS iframe."""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from kurswerk.core.auth import SESSION_COOKIE
from kurswerk.core.clock import utcnow
from lti.models import LoginState
from tests.conftest import TOOL_BASE_URL
from tests.lti.conftest import (
    FORGER_AUTH_URL,
    FORGER_ISSUER,
    assert_refused_without_session,
    count_rows,
    login_params,
    post_launch,
    register,
    set_cookie_headers,
    start_login,
)
from tests.lti.forger import CLAIM, Forger


def _attributes(header: str) -> tuple[str, set[str]]:
    name_value, *attributes = [part.strip() for part in header.split(";")]
    return name_value.split("=", 1)[0], {a.split("=")[0].lower() + _value(a) for a in attributes}


def _value(attribute: str) -> str:
    return "=" + attribute.split("=", 1)[1].lower() if "=" in attribute else ""


# -- login ----------------------------------------------------------------------------


def test_login_sets_a_partitioned_state_cookie_and_stores_state_with_nonce(
    client, forger, db: Session, settings
):
    login = start_login(client)
    [header] = set_cookie_headers(login.response)
    name, attributes = _attributes(header)
    assert name == f"__Host-lti1p3-{login.state}"
    assert {"secure", "samesite=none", "partitioned", "httponly", "path=/"} <= attributes
    assert f"max-age={settings.nonce_ttl_seconds}" in attributes
    assert login.location.startswith(FORGER_AUTH_URL + "?")

    record = db.exec(select(LoginState).where(LoginState.state == login.state)).one()
    assert record.nonce == login.nonce and record.consumed_at is None
    assert json.loads(record.login_params) == login_params()  # kept for the new-window offer


def test_login_for_an_unknown_issuer_is_refused(client, forger, engine):
    response = client.post(
        "/lti/login",
        data=login_params(iss="https://unknown.example.com"),
        follow_redirects=False,
    )
    assert_refused_without_session(response, engine, status=400)
    assert "nicht registriert" in response.text and "https://unknown.example.com" in response.text
    assert count_rows(engine, LoginState) == 0
    assert not set_cookie_headers(response)


def test_login_for_an_unknown_client_id_is_refused(client, forger, engine):
    response = client.post(
        "/lti/login", data=login_params(client_id="other-client"), follow_redirects=False
    )
    assert_refused_without_session(response, engine, status=400)
    assert "other-client" in response.text
    assert count_rows(engine, LoginState) == 0


def test_login_for_an_unknown_deployment_is_refused(client, forger, engine):
    response = client.post(
        "/lti/login", data=login_params(lti_deployment_id="99"), follow_redirects=False
    )
    assert_refused_without_session(response, engine, status=400)
    assert "Deployment-ID 99" in response.text


def test_login_with_a_target_on_another_host_is_refused(client, forger, engine):
    response = client.post(
        "/lti/login",
        data=login_params(target_link_uri="https://evil.example/lti/launch"),
        follow_redirects=False,
    )
    assert_refused_without_session(response, engine, status=400)
    assert "evil.example" in response.text and TOOL_BASE_URL in response.text
    assert count_rows(engine, LoginState) == 0


def test_login_with_a_target_on_our_host_but_another_port_is_refused(client, forger, engine):
    response = client.post(
        "/lti/login",
        data=login_params(target_link_uri="https://kurswerk.test:8443/lti/launch"),
        follow_redirects=False,
    )
    assert_refused_without_session(response, engine, status=400)


def test_login_without_required_parameters_is_refused(client, forger, engine):
    response = client.post(
        "/lti/login",
        data=login_params(login_hint=None, target_link_uri=None),
        follow_redirects=False,
    )
    assert_refused_without_session(response, engine, status=400)
    assert "login_hint" in response.text and "target_link_uri" in response.text


def test_login_without_client_id_works_for_an_issuer_with_one_registration(client, forger):
    login = start_login(client, client_id=None, lti_deployment_id=None)
    assert login.params["client_id"] == forger.client_id


def test_login_without_client_id_is_refused_when_the_issuer_has_several(
    client, forger, db, keyset_server, engine
):
    register(
        db,
        issuer=FORGER_ISSUER,
        client_id="second-client",
        deployment_id="2",
        auth_url=FORGER_AUTH_URL,
        keyset_url=keyset_server.url("/forger/jwks"),
    )
    response = client.post("/lti/login", data=login_params(client_id=None), follow_redirects=False)
    assert_refused_without_session(response, engine, status=400)
    assert "client_id" in response.text


def test_login_keeps_the_query_of_the_platforms_auth_url(client, forger, db, keyset_server):
    register(
        db,
        issuer=FORGER_ISSUER,
        client_id=forger.client_id,
        deployment_id="1",
        auth_url=FORGER_AUTH_URL + "?tenant=7",
        keyset_url=keyset_server.url("/forger/jwks"),
    )
    login = start_login(client)
    assert login.location.startswith(FORGER_AUTH_URL + "?tenant=7&")
    assert login.params["tenant"] == "7"


def test_login_purges_expired_states(client, forger, db: Session, engine):
    login = start_login(client)
    record = db.exec(select(LoginState).where(LoginState.state == login.state)).one()
    record.expires_at = utcnow() - timedelta(seconds=1)
    db.add(record)
    db.commit()
    client.app.state.lti._last_purge = None  # the purge runs at most once a minute
    start_login(client)
    states = db.exec(select(LoginState.state)).all()
    assert login.state not in states and len(states) == 1


# -- cookies of a successful launch ---------------------------------------------------


def test_launch_sets_the_session_cookie_and_clears_the_state_cookie(client, forger, app):
    login = start_login(client)
    response = post_launch(client, forger.sign(forger.claims(login.nonce)), login.state)
    assert response.status_code == 303
    headers = {_attributes(h)[0]: _attributes(h)[1] for h in set_cookie_headers(response)}

    session = headers[SESSION_COOKIE]
    assert SESSION_COOKIE.startswith("__Host-")
    assert {"secure", "httponly", "samesite=none", "partitioned", "path=/"} <= session
    assert f"max-age={app.state.session_codec.cookie_ttl}" in session
    assert "domain" not in {a.split("=")[0] for a in session}

    state_cookie = headers[f"__Host-lti1p3-{login.state}"]
    assert {"max-age=0", "secure", "samesite=none", "partitioned", "path=/"} <= state_cookie


# -- the browser refused the state cookie --------------------------------------------


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.fields: dict[str, str] = {}
        self.buttons: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(values)
        elif tag == "input" and values.get("type") == "hidden":
            self.fields[values["name"]] = values["value"]
        elif tag == "button":
            self.buttons.append(values.get("type", ""))


def _launch_without_cookie(client: TestClient, forger: Forger, locale: str = "de-DE"):
    login = start_login(client)
    client.cookies.clear()  # the iframe refused the partitioned state cookie
    claims = forger.claims(login.nonce, **{CLAIM + "launch_presentation": {"locale": locale}})
    return login, post_launch(client, forger.sign(claims), login.state)


def test_refused_state_cookie_offers_a_new_window_with_the_login_parameters(client, forger, engine):
    _login, response = _launch_without_cookie(client, forger)
    assert response.status_code == 200
    assert '<html lang="de">' in response.text
    assert "neuen Fenster" in response.text
    page = _FormReader()
    page.feed(response.text)
    [form] = page.forms
    assert form["method"] == "post" and form["target"] == "_blank"
    assert form["action"] == "/lti/login"
    assert page.fields == login_params()  # exactly what the LMS sent at login
    assert page.buttons == ["submit"]
    # No session, nobody recorded.
    assert not any(h.startswith(SESSION_COOKIE + "=") for h in set_cookie_headers(response))
    assert "kt=" not in response.text
    assert count_rows(engine, LoginState) == 1


def test_refused_state_cookie_page_speaks_english_for_an_english_launch(client, forger):
    _login, response = _launch_without_cookie(client, forger, locale="en-GB")
    assert '<html lang="en">' in response.text
    assert "Open Kurswerk in a new window" in response.text


def test_the_new_window_runs_the_flow_first_party(client, app, forger):
    _login, page_response = _launch_without_cookie(client, forger)
    page = _FormReader()
    page.feed(page_response.text)
    with TestClient(app, base_url=TOOL_BASE_URL) as new_window:
        login = new_window.post(page.forms[0]["action"], data=page.fields, follow_redirects=False)
        assert login.status_code == 302
        query = parse_qs(urlsplit(login.headers["location"]).query)
        params = {name: values[0] for name, values in query.items()}
        claims = forger.claims(params["nonce"])
        launch = post_launch(new_window, forger.sign(claims), params["state"])
    assert launch.status_code == 303


def test_the_offer_is_made_once_per_login(client, forger, engine):
    login, _first = _launch_without_cookie(client, forger)
    again = post_launch(client, forger.sign(forger.claims(login.nonce)), login.state)
    assert_refused_without_session(again, engine, status=403)
