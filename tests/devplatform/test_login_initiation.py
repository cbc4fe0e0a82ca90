"""The LMS side of the launch: the course page frames the simulator's login initiation,
which auto-POSTs the fields Moodle 4.5 sends to the tool's ``/lti/login``."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from kurswerk.devplatform.config import PEOPLE
from tests.devplatform.conftest import start_launch
from tests.devplatform.forms import parse


def test_login_initiation_posts_moodle_fields_to_the_tools_login(sim, sim_config):
    form = start_launch(sim, "lena")

    assert form.method == "post"
    assert form.action == "http://127.0.0.1:9000/lti/login"
    assert set(form.fields) == {
        "iss",
        "target_link_uri",
        "login_hint",
        "lti_message_hint",
        "client_id",
        "lti_deployment_id",
    }
    assert form.fields["iss"] == "http://localhost:9001"
    assert form.fields["target_link_uri"] == "http://127.0.0.1:9000/lti/launch"
    assert form.fields["login_hint"] == sim_config.person("lena").sub
    assert form.fields["client_id"] == "kurswerk-demo"
    assert form.fields["lti_deployment_id"] == "demo-deployment"
    assert len(form.fields["lti_message_hint"]) >= 20


def test_every_launch_gets_its_own_message_hint(sim):
    first = start_launch(sim, "lena").fields["lti_message_hint"]
    second = start_launch(sim, "lena").fields["lti_message_hint"]
    assert first != second


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: p.key)
def test_login_hint_names_the_person_who_clicked(sim, person):
    assert start_launch(sim, person.key).fields["login_hint"] == person.sub


def test_launch_page_submits_itself_by_script_and_offers_a_button(sim):
    page = sim.get("/launch/lena").text
    assert '<script src="/static/autosubmit.js"></script>' in page
    assert '<button type="submit"' in page
    script = sim.get("/static/autosubmit.js")
    assert script.status_code == 200
    assert "form[data-autosubmit]" in script.text


def test_launch_for_an_unknown_person_is_refused(sim):
    response = sim.get("/launch/mallory")
    assert response.status_code == 404
    assert parse(response.text).forms == []


def test_course_page_lists_every_person_and_frames_nothing_until_one_is_chosen(sim):
    page = sim.get("/")
    assert page.status_code == 200
    for person in PEOPLE:
        assert person.name in page.text
    assert parse(page.text).iframes == []


def test_course_page_frames_the_launch_of_the_chosen_person(sim, sim_config):
    page = sim.get("/", params={"person": "tom"})
    (iframe,) = parse(page.text).iframes
    assert iframe["src"] == "/launch/tom"
    assert iframe["title"]
    assert "Angemeldet als Tom Tutor" in page.text
    # The tool lives on another site: the iframe's login form leaves this origin.
    assert urlsplit(sim_config.tool_login_url).hostname != urlsplit(sim_config.issuer).hostname


def test_course_page_ignores_an_unknown_person(sim):
    page = sim.get("/", params={"person": "<script>"})
    assert page.status_code == 200
    assert parse(page.text).iframes == []
    assert "<script>" not in page.text


def test_pages_allow_framing_and_posting_only_to_the_tool(sim):
    csp = sim.get("/").headers["content-security-policy"]
    assert "frame-src 'self' http://127.0.0.1:9000" in csp
    assert "form-action 'self' http://127.0.0.1:9000" in csp
    assert "frame-ancestors 'self'" in csp
    assert "script-src 'self'" in csp
