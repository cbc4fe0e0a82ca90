# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The simulator's pages speak a language added only as a catalog (the pseudo-locale):
every text on them comes from the catalog, apart from data (names, addresses, codes)."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from kurswerk.core.settings import Settings
from kurswerk.devplatform.app import create_simulator
from tests.support.pseudo_locale import pseudo_catalogs, unwrapped_text  # noqa: F401

PAGES = ["/", "/?person=lena", "/roster", "/tools", "/gradebook", "/mails", "/launch/nobody"]


@pytest.fixture
def pseudo_sim(sim_config, sim_key, pseudo_catalogs):
    config = dataclasses.replace(sim_config, locale=pseudo_catalogs)
    app = create_simulator(config, settings=Settings(env="test"), key=sim_key)
    with TestClient(app, base_url=config.issuer) as client:
        yield client


def _data(config) -> tuple[str, ...]:
    """What the simulated LMS shows as it stands in its data (like a German Moodle)."""
    people = [value for p in config.people for value in (p.name, p.email, p.role_label)]
    course = (config.course.label, config.course.title, config.course.resource_link_title)
    addresses = (config.issuer, config.tool_registration_url, config.auth_url)
    addresses += (config.token_url, config.jwks_url, config.client_id, config.deployment_id)
    lms_roles = ("Learner", "Instructor")  # NRPS short role names, as the service lists them
    return (config.platform_name, *people, *course, *addresses, *lms_roles)


@pytest.mark.parametrize("path", PAGES)
def test_each_page_speaks_the_pseudo_locale(pseudo_sim, path):
    page = pseudo_sim.get(path)
    assert page.status_code in (200, 404)
    assert unwrapped_text(page.text, _data(pseudo_sim.app.state.config)) == []
