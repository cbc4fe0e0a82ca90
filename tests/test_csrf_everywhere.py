"""CSRF on every form: every state-changing route of the whole app checks the token.

The routes are read from the app as ``create_app`` builds it (every domain's router, not
a list kept by hand), and each POST/PUT/PATCH/DELETE route must have
``kurswerk.core.csrf.require_csrf`` somewhere in its dependencies. The exceptions are named
here with the reason; each of them is tested for its own protection elsewhere.

FastAPI 0.16x keeps included routers lazily (``_IncludedRouter``, whose routes are not in
the parent's ``routes``); the walk follows them, and the test fails loudly if it finds
too few routes to be the real app.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute

from kurswerk.core.csrf import require_csrf, streamed_csrf

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT = {
    # Cross-site by design: the LMS's browser posts here from the LMS's page. The launch
    # is bound to the browser by the state cookie and a single-use nonce (tests/lti/
    # test_launch_refusals.py, test_nonce_single_use.py, test_login_and_cookies.py).
    "lti_login": "OIDC login initiation from the platform",
    "lti_launch": "id_token launch from the platform",
}
# Routes that stream a multipart body check the token with ``streamed_csrf`` instead: in
# the X-CSRF-Token header, or as the form field that must come before the file (tests/
# uploads/test_submission_upload.py, coaching/test_import.py, feedback/test_attachment.py:
# test_a_csrf_field_after_the_file_is_refused..., test_a_csrf_token_in_the_url_...).
CHECKS = {require_csrf, streamed_csrf}


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def _calls(dependant: Any) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def test_every_state_changing_route_checks_the_csrf_token(app):
    routes = list(_routes(app.routes))
    assert len(routes) > 60, "the walk did not reach the domains' routers"
    changing = [r for r in routes if r.methods & STATE_CHANGING]
    unchecked = sorted(
        r.name for r in changing if r.name not in EXEMPT and not CHECKS & set(_calls(r.dependant))
    )
    assert unchecked == []
    # The exceptions are real routes (a renamed route must not leave a stale entry).
    names = {r.name for r in changing}
    assert set(EXEMPT) <= names
    assert len(changing) > 40
