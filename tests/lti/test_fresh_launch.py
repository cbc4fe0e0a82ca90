"""The new-window fallback starts a fresh launch where the platform's login cannot be
used twice: Moodle 4.5's ``lti_message_hint`` carries a launch id that ``auth.php`` uses
once, so the fallback opens Moodle's own launch URL of the activity instead of posting the
same login again."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from kurswerk.core.auth import SESSION_COOKIE
from lti.relaunch import fresh_launch_url, moodle_activity_id
from tests.devplatform.forms import parse
from tests.lti.conftest import login_params, post_launch, set_cookie_headers, start_login
from tests.lti.forger import Forger

MOODLE_HINT = json.dumps({"cmid": 42, "launchid": "ltilaunch7_1234567"})


def _launch_without_cookie(client: TestClient, forger: Forger, hint: str):
    login = start_login(client, lti_message_hint=hint)
    client.cookies.clear()  # the browser refused every tool cookie in the frame
    return post_launch(client, forger.sign(forger.claims(login.nonce)), login.state)


def test_a_moodle_activity_launch_offers_moodles_own_launch_url(client, forger):
    page = _launch_without_cookie(client, forger, MOODLE_HINT)
    assert page.status_code == 200 and "neuen Fenster" in page.text
    [form] = parse(page.text).forms
    # The registered auth URL is https://moodle.example.org/mod/lti/auth.php.
    assert form.method == "get"
    assert form.action == "https://moodle.example.org/mod/lti/launch.php"
    assert form.fields == {"id": "42"}  # nothing of the used login goes along
    assert 'target="_blank"' in page.text
    assert MOODLE_HINT not in page.text and "ltilaunch7" not in page.text
    assert not any(h.startswith(SESSION_COOKIE + "=") for h in set_cookie_headers(page))


def test_a_moodle_hint_without_an_activity_keeps_the_same_login(client, forger):
    # Moodle's deep-linking hint names no activity: no launch URL to start afresh.
    hint = json.dumps({"launchid": "ltilaunch_ContentItemSelectionRequest99"})
    page = _launch_without_cookie(client, forger, hint)
    [form] = parse(page.text).forms
    assert form.method == "post" and form.action == "/lti/login"
    assert form.fields == login_params(lti_message_hint=hint)


def test_an_opaque_hint_keeps_the_same_login(client, forger):
    page = _launch_without_cookie(client, forger, "message-hint-1")
    [form] = parse(page.text).forms
    assert form.method == "post" and form.fields == login_params()


MOODLE_AUTH = "https://school.example/moodle/mod/lti/auth.php"


@pytest.mark.parametrize(
    ("auth_url", "hint", "expected"),
    [
        (MOODLE_AUTH, MOODLE_HINT, "https://school.example/moodle/mod/lti/launch.php?id=42"),
        (
            MOODLE_AUTH,
            '{"cmid": "7", "launchid": "x"}',
            "https://school.example/moodle/mod/lti/launch.php?id=7",
        ),
        # Only the registered platform's URL: what the login says cannot send the user elsewhere.
        (
            MOODLE_AUTH,
            '{"cmid": 7, "launchid": "x", "url": "https://evil.example"}',
            "https://school.example/moodle/mod/lti/launch.php?id=7",
        ),
        ("https://canvas.example/api/lti/authorize_redirect", MOODLE_HINT, None),
        (MOODLE_AUTH + "?x=1", MOODLE_HINT, None),
        (MOODLE_AUTH, '{"cmid": "7&id=8", "launchid": "x"}', None),
        (MOODLE_AUTH, '{"cmid": -1, "launchid": "x"}', None),
        (MOODLE_AUTH, '{"cmid": true, "launchid": "x"}', None),
        (MOODLE_AUTH, '{"cmid": 7}', None),  # no launch id: not Moodle's hint
        (MOODLE_AUTH, "[7]", None),
        (MOODLE_AUTH, "not json", None),
    ],
)
def test_fresh_launch_url(auth_url, hint, expected):
    assert fresh_launch_url(auth_url, hint) == expected


def test_moodle_activity_id_reads_only_a_positive_cmid():
    assert moodle_activity_id('{"cmid": 3, "launchid": "a"}') == 3
    assert moodle_activity_id('{"cmid": 0, "launchid": "a"}') is None
    assert moodle_activity_id('{"cmid": 1.5, "launchid": "a"}') is None
