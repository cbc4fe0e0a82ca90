# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The LTI pages inside a course speak a language added only as a catalog (the
pseudo-locale): every text on them comes from the catalog."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kurswerk.core.auth import Role
from tests.conftest import TOOL_BASE_URL
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.support.pseudo_locale import pseudo_catalogs, unwrapped_text  # noqa: F401


@pytest.fixture
def browser(app):
    with TestClient(app, base_url=TOOL_BASE_URL, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize("page", ["lti/lms-calls", "roster", "lti/review/1"])
def test_an_admin_page(browser, make_learner, pseudo_catalogs, page):
    admin = make_learner(role=Role.ADMIN, locale=pseudo_catalogs, name="Ada Admin")
    response = browser.get(admin.url(f"/c/{admin.context_id}/{page}"))
    assert response.status_code in (200, 404, 409), response.text
    assert f'<html lang="{pseudo_catalogs}">' in response.text
    assert unwrapped_text(response.text) == []
