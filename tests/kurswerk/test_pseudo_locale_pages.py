# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The shell's pages speak a language added only as a catalog (the pseudo-locale): every
text on them comes from the catalog."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TOOL_BASE_URL
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.support.pseudo_locale import pseudo_catalogs, unwrapped_text  # noqa: F401


@pytest.fixture
def browser(app):
    with TestClient(app, base_url=TOOL_BASE_URL, follow_redirects=False) as client:
        yield client


def _speaks(page, locale: str) -> None:
    assert f'<html lang="{locale}">' in page.text
    assert unwrapped_text(page.text) == []


def test_an_error_page_with_a_session(browser, make_learner, pseudo_catalogs):
    person = make_learner(locale=pseudo_catalogs, name="Mia Muster")
    page = browser.get(person.url(f"/c/{person.context_id}/no-such-page"))
    assert page.status_code == 404
    _speaks(page, pseudo_catalogs)
    assert "Mia Muster" in page.text  # a value inside a translated message


def test_an_error_page_without_a_session(browser, pseudo_catalogs):
    page = browser.get("/c/1/no-such-page", headers={"accept-language": "qps"})
    assert page.status_code in (401, 404)
    _speaks(page, pseudo_catalogs)


def test_the_signed_out_page(browser, pseudo_catalogs):
    page = browser.get(f"/session/signed-out?lang={pseudo_catalogs}")
    assert page.status_code == 200
    _speaks(page, pseudo_catalogs)
