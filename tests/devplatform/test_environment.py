"""The simulator exists only in development and tests: production never creates it."""

from __future__ import annotations

import pytest

from kurswerk.core.settings import Settings, get_settings
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import SimulatorConfig


@pytest.fixture
def config() -> SimulatorConfig:
    return SimulatorConfig.local(simulator_port=9001, tool_port=9000)


def test_refuses_to_be_created_with_production_settings(config, sim_key):
    with pytest.raises(RuntimeError, match="KURSWERK_ENV"):
        create_simulator(config, settings=Settings(env="production"), key=sim_key)


def test_refuses_when_the_environment_says_production(config, sim_key, monkeypatch):
    monkeypatch.setenv("KURSWERK_ENV", "production")
    get_settings.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="KURSWERK_ENV"):
            create_simulator(config, key=sim_key)
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("env", ["dev", "test"])
def test_is_created_in_dev_and_test(config, sim_key, env):
    app = create_simulator(config, settings=Settings(env=env), key=sim_key)
    assert app.state.config is config


def test_the_tool_app_does_not_mount_the_simulator(app):
    paths = {getattr(route, "path", "") for route in app.routes}
    assert not {"/auth", "/jwks", "/token", "/launch/{person_key}"} & paths


@pytest.mark.parametrize(
    "origin",
    ["localhost:9001", "http://localhost:9001/", "http://localhost:9001/lms", "ftp://x", "http://"],
)
def test_config_wants_plain_origins(origin):
    with pytest.raises(ValueError):
        SimulatorConfig(issuer=origin, tool_base_url="http://127.0.0.1:9000")
