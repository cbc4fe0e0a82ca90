# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Error pages speak the person's language (the session's, else the browser's, else the
default) and lead back to the course; Starlette's own refusals (404, 405) included. JSON
clients get JSON."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TOOL_BASE_URL
from tests.support.people import make_learner  # noqa: F401 - fixture

ENGLISH = {"accept-language": "en-GB,en;q=0.9,de;q=0.5"}
GERMAN = {"accept-language": "de-DE,de;q=0.9,en;q=0.5"}


@pytest.fixture
def browser(app):
    with TestClient(app, base_url=TOOL_BASE_URL, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-GB,en;q=0.9,de;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7", "de"),
        ("de;q=0.2, en;q=0.8", "en"),
        ("en;q=0, de", "de"),
        ("fr, *", None),
        ("", None),
        (None, None),
        ("en;q=oops,de;q=0.1", "de"),
    ],
)
def test_the_browsers_preferred_language_among_ours(header, expected):
    from kurswerk.core.i18n import preferred_locale  # here: collected also where it is missing

    assert preferred_locale(header) == expected


# --- without a session: the browser's language ---------------------------------------------


@pytest.mark.parametrize(
    ("headers", "lang", "text", "way_back"),
    [
        ({}, "de", "Diese Seite gibt es nicht.", "Öffnen Sie Kurswerk über Ihren Kurs im LMS."),
        (GERMAN, "de", "Diese Seite gibt es nicht.", "Öffnen Sie Kurswerk über Ihren Kurs"),
        (ENGLISH, "en", "This page does not exist.", "Open Kurswerk from your course in the LMS."),
    ],
)
def test_404_in_the_browsers_language(browser, headers, lang, text, way_back):
    page = browser.get("/no/such/page", headers=headers)
    assert page.status_code == 404
    assert f'<html lang="{lang}">' in page.text
    assert text in page.text and way_back in page.text
    assert "Not Found" not in page.text


@pytest.mark.parametrize(
    ("headers", "text"),
    [
        (GERMAN, "Diese Seite lässt sich so nicht aufrufen."),
        (ENGLISH, "This page cannot be opened this way."),
    ],
)
def test_405_in_the_browsers_language_never_starlettes_english(browser, headers, text):
    page = browser.get("/session/locale", headers=headers)  # a POST-only route
    assert page.status_code == 405
    assert text in page.text
    assert "Method Not Allowed" not in page.text
    assert page.headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("path", "status", "headers", "text"),
    [
        ("/c/1/", 401, GERMAN, "Ihre Sitzung ist abgelaufen oder fehlt."),
        ("/c/1/", 401, ENGLISH, "Your session has expired or is missing."),
        ("/c/not-a-number/", 400, GERMAN, "Die Anfrage ist unvollständig oder fehlerhaft"),
        ("/c/not-a-number/", 400, ENGLISH, "The request is incomplete or malformed"),
    ],
)
def test_401_and_400_in_the_browsers_language(browser, path, status, headers, text):
    page = browser.get(path, headers=headers)
    assert page.status_code == status
    assert text in page.text


@pytest.mark.parametrize(
    ("headers", "text"),
    [(GERMAN, "Die Anfrage ist zu groß"), (ENGLISH, "The request is too large")],
)
def test_413_in_the_browsers_language(browser, settings, headers, text):
    body = b"x" * (settings.max_form_bytes + 1)
    page = browser.post(
        "/session/locale",
        content=body,
        headers={**headers, "content-type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code == 413
    assert text in page.text


@pytest.mark.parametrize(
    ("headers", "text"),
    [
        (GERMAN, "Ein unerwarteter Fehler ist aufgetreten."),
        (ENGLISH, "An unexpected error occurred."),
    ],
)
def test_500_in_the_browsers_language(app, headers, text):
    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/test-only/broken", broken)
    with TestClient(app, base_url=TOOL_BASE_URL, raise_server_exceptions=False) as client:
        page = client.get("/test-only/broken", headers=headers)
    assert page.status_code == 500
    assert text in page.text and "a bug" not in page.text


# --- with a session: the session's language and the way back to the course ----------------


@pytest.mark.parametrize(
    ("locale", "text", "home"),
    [
        ("de", "Diese Seite gibt es nicht.", "Zur Startseite des Kurses"),
        ("en", "This page does not exist.", "To the course's home page"),
    ],
)
def test_404_with_a_session_speaks_its_language_and_leads_to_the_course_home(
    browser, make_learner, locale, text, home
):
    person = make_learner(locale=locale)
    # The browser asks for the other language: the session's choice wins.
    headers = ENGLISH if locale == "de" else GERMAN
    page = browser.get(person.url(f"/c/{person.context_id}/no-such-page"), headers=headers)
    assert page.status_code == 404
    assert f'<html lang="{locale}">' in page.text
    assert text in page.text and home in page.text
    assert f"/c/{person.context_id}/?kt=" in page.text


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("de", "Diese Seite gehört zu einem anderen Kurs als Ihre Sitzung."),
        ("en", "This page belongs to another course than your session."),
    ],
)
def test_403_with_a_session_leads_back_to_its_own_course(browser, make_learner, locale, text):
    person = make_learner(locale=locale)
    other = make_learner()
    page = browser.get(person.url(f"/c/{other.context_id}/"))
    assert page.status_code == 403
    assert text in page.text
    assert f"/c/{person.context_id}/?kt=" in page.text


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("de", "Diese Seite lässt sich so nicht aufrufen."),
        ("en", "This page cannot be opened this way."),
    ],
)
def test_405_with_a_session_speaks_its_language(browser, make_learner, locale, text):
    person = make_learner(locale=locale)
    page = browser.get(person.url("/session/locale"))
    assert page.status_code == 405
    assert text in page.text and "Method Not Allowed" not in page.text


# --- JSON clients -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "message"),
    [(GERMAN, "Diese Seite gibt es nicht."), (ENGLISH, "This page does not exist.")],
)
def test_a_json_client_gets_json_with_a_code_that_is_the_same_in_every_language(
    browser, headers, message
):
    response = browser.get("/no/such/page", headers={**headers, "accept": "application/json"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "error": "not_found",
        "message": message,
        "status": 404,
    }


def test_a_json_client_refused_for_its_method_gets_json(browser):
    response = browser.get("/session/locale", headers={**ENGLISH, "accept": "application/json"})
    assert response.status_code == 405
    assert response.json()["message"].startswith("This page cannot be opened this way.")


def test_a_browser_asking_for_html_first_gets_the_page(browser):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = browser.get("/no/such/page", headers={"accept": accept})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def test_an_htmx_request_gets_the_fragment_in_its_language(browser):
    page = browser.get("/no/such/page", headers={**ENGLISH, "HX-Request": "true"})
    assert page.status_code == 404
    assert "<html" not in page.text and "This page does not exist." in page.text
