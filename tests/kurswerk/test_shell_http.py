"""The shell over HTTP: health, readiness, headers for the LMS iframe, error pages, CSRF."""

from __future__ import annotations

from kurswerk.core.auth import SESSION_COOKIE, Principal, Role


def _login(app, client, **overrides) -> Principal:
    values = dict(user_id=1, context_id=1, platform_id=1, role=Role.LEARNER, sid="sid-1")
    values.update(overrides)
    principal = Principal(**values)
    client.cookies.set(SESSION_COOKIE, app.state.session_codec.issue_cookie(principal))
    return principal


def test_health_answers_without_database(client):
    assert client.get("/health").json() == {"status": "ok"}


def test_ready_checks_the_database(client):
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_reports_an_unreachable_database(app, client):
    from kurswerk.core.db import make_engine

    app.state.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_pages_may_be_framed_by_registered_platforms_only(app, client):
    app.state.lti.frame_ancestors = lambda: ("https://moodle.example.org",)
    response = client.get("/this-does-not-exist")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'self' https://moodle.example.org" in csp
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_unknown_page_is_a_german_404_page(client):
    response = client.get("/nirgendwo")
    assert response.status_code == 404
    assert 'lang="de"' in response.text
    assert "Diese Seite gibt es nicht." in response.text
    assert "Traceback" not in response.text


def test_locale_switch_needs_a_session(client):
    response = client.post("/session/locale", data={"locale": "en", "csrf_token": "x"})
    assert response.status_code == 401
    assert "Sitzung" in response.text


def test_locale_switch_refuses_a_missing_or_wrong_csrf_token(app, client):
    _login(app, client)
    assert client.post("/session/locale", data={"locale": "en"}).status_code == 403
    wrong = client.post("/session/locale", data={"locale": "en", "csrf_token": "0" * 64})
    assert wrong.status_code == 403
    assert "Formular ist abgelaufen" in wrong.text


def test_locale_switch_reissues_the_session_in_english(app, client):
    principal = _login(app, client)
    csrf = app.state.session_codec.csrf_token(principal)
    response = client.post(
        "/session/locale",
        data={"locale": "en-GB", "csrf_token": csrf, "next": "/c/1/"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/c/1/?kt=")
    token = response.headers["location"].split("kt=")[1]
    assert app.state.session_codec.read_page_token(token).locale == "en"
    assert "Partitioned" in response.headers["set-cookie"]


def test_locale_switch_never_redirects_off_site(app, client):
    principal = _login(app, client)
    csrf = app.state.session_codec.csrf_token(principal)
    for target in ("https://evil.example/", "//evil.example/x"):
        response = client.post(
            "/session/locale",
            data={"locale": "de", "csrf_token": csrf, "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"].startswith("/?kt=")


def test_forged_session_cookie_is_not_a_session(client):
    client.cookies.set(SESSION_COOKIE, "forged.token.value")
    response = client.post("/session/locale", data={"locale": "en", "csrf_token": "x"})
    assert response.status_code == 401
