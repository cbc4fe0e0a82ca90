"""A simulator app in process, as the tool at ``http://127.0.0.1:9000`` would meet it."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kurswerk.core.settings import Settings
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import SimulatorConfig
from kurswerk.devplatform.keys import SigningKey
from tests.devplatform.forms import Form, only_form


@pytest.fixture(scope="session")
def sim_key() -> SigningKey:
    """One RSA key for the run: generating one per test only costs time."""
    return SigningKey.generate()


@pytest.fixture
def sim_config() -> SimulatorConfig:
    return SimulatorConfig.local(simulator_port=9001, tool_port=9000)


@pytest.fixture
def simulator(sim_config: SimulatorConfig, sim_key: SigningKey) -> FastAPI:
    return create_simulator(sim_config, settings=Settings(env="test"), key=sim_key)


@pytest.fixture
def sim(simulator: FastAPI, sim_config: SimulatorConfig) -> Iterator[TestClient]:
    with TestClient(simulator, base_url=sim_config.issuer) as client:
        yield client


def start_launch(sim: TestClient, person_key: str = "lena") -> Form:
    """Click the link as ``person_key``: the login initiation form the iframe submits."""
    response = sim.get(f"/launch/{person_key}")
    assert response.status_code == 200
    return only_form(response.text)


def auth_params(config: SimulatorConfig, login: Form, **overrides: str | None) -> dict[str, str]:
    """The OIDC authentication request a correct tool sends after ``login``."""
    params: dict[str, str | None] = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": login.fields["client_id"],
        "redirect_uri": config.tool_launch_url,
        "login_hint": login.fields["login_hint"],
        "lti_message_hint": login.fields["lti_message_hint"],
        "state": "state-from-the-tool",
        "nonce": "nonce-from-the-tool",
    }
    params.update(overrides)
    return {name: value for name, value in params.items() if value is not None}  # None: left out


def auth_url(params: dict[str, str]) -> str:
    return "/auth?" + urlencode(params)
