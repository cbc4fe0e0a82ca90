"""``kurswerk demo`` without the domains: it refuses outside dev, reports busy ports,
points the tool at 127.0.0.1 and serves both apps in one loop until told to stop."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from kurswerk import cli
from kurswerk.core.settings import get_settings
from kurswerk.devplatform import demo
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import SimulatorConfig


@pytest.fixture
def clean_env(monkeypatch):
    """Let the demo write KURSWERK_* variables; restore them (and the cache) afterwards."""
    for name in ("KURSWERK_ENV", "KURSWERK_BASE_URL", "KURSWERK_DATABASE_URL"):
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.mark.parametrize("env", ["production", "test"])
def test_demo_refuses_unless_env_is_dev(clean_env, tmp_path, capsys, env):
    clean_env.setenv("KURSWERK_ENV", env)
    clean_env.chdir(tmp_path)

    assert cli.main(["demo", "--port", "0", "--simulator-port", "0"]) == 2

    assert "KURSWERK_ENV" in capsys.readouterr().err
    assert not (tmp_path / "var").exists()


def test_demo_reports_a_busy_port_before_touching_anything(clean_env, tmp_path, capsys):
    clean_env.chdir(tmp_path)
    busy = demo.bind_loopback(0)
    try:
        assert demo.run(port=demo.port_of(busy), simulator_port=0) == 2
    finally:
        busy.close()
    assert "--port" in capsys.readouterr().err
    assert not (tmp_path / "var").exists()


def test_tool_settings_point_at_loopback_and_sqlite_under_var(clean_env):
    settings = demo.tool_settings(8123)
    assert settings.base_url == "http://127.0.0.1:8123"
    assert settings.database_url == "sqlite:///./var/kurswerk.db"
    assert get_settings().base_url == "http://127.0.0.1:8123"


def test_tool_settings_keep_a_database_url_from_the_environment(clean_env):
    clean_env.setenv("KURSWERK_DATABASE_URL", "postgresql+psycopg://demo@127.0.0.1/demo")
    assert demo.tool_settings(8123).database_url == "postgresql+psycopg://demo@127.0.0.1/demo"


def test_serve_runs_tool_and_simulator_on_their_sites_and_stops_both(app, settings):
    tool_socket, simulator_socket = demo.bind_loopback(0), demo.bind_loopback(0)
    simulator = SimulatorConfig.local(
        simulator_port=demo.port_of(simulator_socket), tool_port=demo.port_of(tool_socket)
    )
    apps = [
        (app, tool_socket),
        (create_simulator(simulator, settings=settings), simulator_socket),
    ]
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(
        target=loop.run_until_complete, args=(demo.serve(apps, stop=stop),), daemon=True
    )
    thread.start()
    try:
        with httpx.Client(timeout=5) as http:
            assert _eventually_get(http, f"{simulator.tool_base_url}/health").json() == {
                "status": "ok"
            }
            course = _eventually_get(http, f"{simulator.issuer}/")
            assert "Social-Media-Strategie (Demo)" in course.text
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(15)
    assert not thread.is_alive(), "serve() did not return after stop"
    loop.close()
    with pytest.raises(httpx.ConnectError), httpx.Client(timeout=2) as http:
        http.get(f"{simulator.tool_base_url}/health")


def _eventually_get(http: httpx.Client, url: str) -> httpx.Response:
    """GET ``url`` once the server accepts connections (startup is asynchronous)."""
    for _ in range(200):
        try:
            response = http.get(url)
        except httpx.ConnectError:
            time.sleep(0.05)
            continue
        assert response.status_code == 200
        return response
    raise AssertionError(f"{url} never answered")


_DEMO_WITHOUT_PREPARATION = """
import sys
from kurswerk.devplatform import demo
demo.prepare = lambda settings, simulator, content: "(preparation left out by the test)"
sys.exit(demo.run(port=0, simulator_port=0))
"""


def test_demo_prints_the_url_to_open_and_stops_cleanly_on_ctrl_c(tmp_path):
    """The real ``run()`` in its own process (preparation left out, see
    test_demo_prepare.py): the banner names the simulator's URL, both servers answer,
    and one SIGINT ends the process with exit code 0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURSWERK_")}
    process = subprocess.Popen(
        [sys.executable, "-c", _DEMO_WITHOUT_PREPARATION],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Stop with Ctrl-C"):
                break
        banner = "".join(lines)
        url = re.search(r"Open this URL in your browser:\s+(http://localhost:\d+)/", banner)
        tool = re.search(r"Kurswerk \(the tool, in iframe\):\s+(http://127\.0\.0\.1:\d+)", banner)
        assert url and tool, banner
        with httpx.Client(timeout=5) as http:
            assert "Social-Media-Strategie (Demo)" in http.get(url.group(1) + "/").text
            assert http.get(tool.group(1) + "/health").json() == {"status": "ok"}

        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, rest
    assert "Kurswerk demo stopped." in rest
    assert "Traceback" not in rest
