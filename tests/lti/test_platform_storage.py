"""Launches without any tool cookie where the platform offers its storage
(``lti_storage_target``, 1EdTech LTI client-side postMessages, as Canvas sends it).

The login page keeps state and nonce in the platform's window; when the state cookie does
not come back, the launch answers with a page that reads them back and posts them to
``/lti/launch`` from Kurswerk's own origin. The attacks: a cross-site form posting the
storage fields itself (login CSRF), storage holding another login's state or nonce, and a
replay of a storage-bound launch.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from kurswerk.core.auth import SESSION_COOKIE
from lti.models import LoginState
from tests.conftest import TOOL_BASE_URL
from tests.lti.conftest import (
    FORGER_AUTH_URL,
    assert_refused_without_session,
    consumed_states,
    login_params,
    set_cookie_headers,
)
from tests.lti.forger import Forger

STORAGE_ORIGIN = "https://moodle.example.org"  # the origin of the forger's auth URL


class _Page(HTMLParser):
    """Every start tag's attributes, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def first(self, tag: str, **having: str) -> dict[str, str]:
        return next(
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in having.items())
        )

    def all(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]


def _storage_login(client: TestClient, target: str = "post_message_forwarding"):
    response = client.post(
        "/lti/login", data=login_params(lti_storage_target=target), follow_redirects=False
    )
    return response, _Page(response.text)


def _kept(page: _Page) -> dict[str, str]:
    return {i["data-storage-key"]: i["value"] for i in page.all("input") if "data-storage-key" in i}


def _login_and_launch_without_cookie(client: TestClient, forger: Forger, **claims):
    """Login with storage offered, the browser refusing every tool cookie: the launch page."""
    login, page = _storage_login(client)
    kept = _kept(page)
    state = next(v for k, v in kept.items() if k.startswith("kurswerk_state_"))
    nonce = next(v for k, v in kept.items() if k.startswith("kurswerk_nonce_"))
    client.cookies.clear()
    token = forger.sign(forger.claims(nonce, **claims))
    launch = client.post(
        "/lti/launch", data={"id_token": token, "state": state}, follow_redirects=False
    )
    return state, nonce, token, launch


def _post_back(
    client: TestClient,
    token: str,
    state: str,
    stored_state: str,
    stored_nonce: str,
    headers: dict[str, str] | None = None,
):
    """What the launch page posts after reading the platform's storage."""
    return client.post(
        "/lti/launch",
        data={
            "id_token": token,
            "state": state,
            "storage_checked": "1",
            "storage_state": stored_state,
            "storage_nonce": stored_nonce,
        },
        headers={"Origin": TOOL_BASE_URL, "Sec-Fetch-Site": "same-origin"}
        if headers is None
        else headers,
        follow_redirects=False,
    )


# -- login ----------------------------------------------------------------------------


def test_login_with_a_storage_target_keeps_state_and_nonce_in_the_platform(
    client, forger, db: Session
):
    response, page = _storage_login(client)
    assert response.status_code == 200
    form = page.first("form", id="lti-storage")
    assert form["data-mode"] == "put"
    assert form["data-target"] == "post_message_forwarding"
    assert form["data-origin"] == STORAGE_ORIGIN  # the registered auth URL's, not the login's
    assert form["data-next"].startswith(FORGER_AUTH_URL + "?")
    record = db.exec(select(LoginState)).one()
    assert _kept(page) == {
        f"kurswerk_state_{record.state}": record.state,
        f"kurswerk_nonce_{record.state}": record.nonce,
    }
    assert f"state={record.state}" in form["data-next"]
    scripts = [urlsplit(script["src"]).path for script in page.all("script")]
    assert "/lti/static/platform_storage.js" in scripts, scripts
    # The state cookie still rides along for browsers that keep it.
    assert any(h.startswith(f"__Host-lti1p3-{record.state}=") for h in set_cookie_headers(response))
    assert json.loads(record.login_params)["lti_storage_target"] == "post_message_forwarding"


@pytest.mark.parametrize("target", ["javascript:alert(1)", "a b", "", "x" * 80, "_top"])
def test_a_storage_target_that_is_no_frame_name_is_ignored(client, forger, target):
    response, _page = _storage_login(client, target)
    assert response.status_code == 302


def test_the_storage_script_speaks_the_client_side_postmessage_subjects(client):
    script = client.get("/lti/static/platform_storage.js")
    assert script.status_code == 200
    for subject in ('"lti.capabilities"', '"lti.put_data"', '"lti.get_data"'):
        assert subject in script.text
    assert "event.origin !== origin" in script.text  # answers from other origins ignored


# -- launch -----------------------------------------------------------------------------


def test_a_launch_without_cookie_reads_the_state_back_from_platform_storage(client, forger, engine):
    state, _nonce, token, launch = _login_and_launch_without_cookie(client, forger)
    assert launch.status_code == 200
    page = _Page(launch.text)
    form = page.first("form", id="lti-storage")
    assert form["data-mode"] == "get" and form["method"] == "post"
    assert form["action"] == "/lti/launch"
    assert form["data-origin"] == STORAGE_ORIGIN
    fields = {i["name"]: i["value"] for i in page.all("input") if "name" in i}
    assert fields["id_token"] == token and fields["state"] == state
    assert fields["storage_checked"] == "1"
    reads = {i["name"]: i["data-storage-key"] for i in page.all("input") if "data-storage-key" in i}
    assert reads == {
        "storage_state": f"kurswerk_state_{state}",
        "storage_nonce": f"kurswerk_nonce_{state}",
    }
    assert consumed_states(engine) == 0  # nothing used up until the storage answered
    assert not any(h.startswith(SESSION_COOKIE + "=") for h in set_cookie_headers(launch))


def test_the_values_from_platform_storage_finish_the_launch_with_no_cookie(client, forger, engine):
    state, nonce, token, _page = _login_and_launch_without_cookie(client, forger)
    done = _post_back(client, token, state, state, nonce)
    assert done.status_code == 303
    assert "kt=" in done.headers["location"]
    assert consumed_states(engine) == 1


def test_a_cross_site_form_posting_storage_values_is_refused(client, forger, engine):
    # Login CSRF: the attacker's own login, posted into the victim's browser with the
    # storage fields filled in by the attacker's page.
    state, nonce, token, _page = _login_and_launch_without_cookie(client, forger)
    forged = _post_back(
        client,
        token,
        state,
        state,
        nonce,
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert_refused_without_session(forged, engine, status=403)
    assert consumed_states(engine) == 0


@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": "null"}, {"Origin": TOOL_BASE_URL, "Sec-Fetch-Site": "same-site"}],
    ids=["no-origin", "opaque-origin", "same-site"],
)
def test_storage_values_need_our_own_origin(client, forger, engine, headers):
    state, nonce, token, _page = _login_and_launch_without_cookie(client, forger)
    forged = _post_back(client, token, state, state, nonce, headers=headers)
    assert_refused_without_session(forged, engine, status=403)


def test_storage_holding_another_state_is_refused(client, forger, engine):
    state, nonce, token, _page = _login_and_launch_without_cookie(client, forger)
    other = _post_back(client, token, state, "another-login-state", nonce)
    assert_refused_without_session(other, engine, status=403)
    assert consumed_states(engine) == 0


def test_storage_holding_another_nonce_is_refused(client, forger, engine):
    state, _nonce, token, _page = _login_and_launch_without_cookie(client, forger)
    other = _post_back(client, token, state, state, Forger.fresh_nonce())
    assert_refused_without_session(other, engine, status=403)
    assert consumed_states(engine) == 0


def test_a_storage_bound_launch_is_used_once(client, forger, engine):
    state, nonce, token, _page = _login_and_launch_without_cookie(client, forger)
    assert _post_back(client, token, state, state, nonce).status_code == 303
    client.cookies.clear()
    again = _post_back(client, token, state, state, nonce)
    assert again.status_code == 403
    assert "kt=" not in again.headers.get("location", "") and "kt=" not in again.text


def test_empty_platform_storage_falls_back_to_the_new_window(client, forger, engine):
    state, _nonce, token, _page = _login_and_launch_without_cookie(client, forger)
    empty = _post_back(client, token, state, "", "")
    assert empty.status_code == 200
    assert "neuen Fenster" in empty.text
    assert not any(h.startswith(SESSION_COOKIE + "=") for h in set_cookie_headers(empty))
    assert consumed_states(engine) == 1  # the offer is made once per login


def test_a_browser_that_kept_the_cookie_needs_no_storage_round_trip(client, forger):
    _response, page = _storage_login(client)
    kept = _kept(page)
    state = next(v for k, v in kept.items() if k.startswith("kurswerk_state_"))
    nonce = next(v for k, v in kept.items() if k.startswith("kurswerk_nonce_"))
    launch = client.post(
        "/lti/launch",
        data={"id_token": forger.sign(forger.claims(nonce)), "state": state},
        follow_redirects=False,
    )
    assert launch.status_code == 303
