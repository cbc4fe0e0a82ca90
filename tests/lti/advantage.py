"""The LMS simulator (``kurswerk.devplatform``, which shares no code with ``lti/``) as a
live platform peer on loopback, registered in the tool, and the hops of its flows.

The tool's outgoing calls (key set, token, AGS, NRPS, dynamic registration) reach the
simulator over real HTTP; the browser's hops are played with two test clients (tool and
simulator), reading the auto-posting forms as a browser would. The simulator verifies
what the tool signs against the tool's published key set (``ToolJwks``), fetched from
``/lti/jwks`` like the real ``JwksToolKeys`` does, again on an unknown ``kid``.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from kurswerk.core.auth import SESSION_COOKIE
from kurswerk.core.settings import Settings
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import SimulatorConfig
from kurswerk.devplatform.keys import SigningKey
from kurswerk.devplatform.lms import CourseState
from lti import service
from lti.models import LmsContext, PlatformUser
from tests.conftest import TOOL_BASE_URL
from tests.devplatform.forms import Form, parse
from tests.e2e.servers import LiveServer

_SIM_KEY = SigningKey.generate()  # one RSA key for the run: generating one costs time


class ToolJwks:
    """The simulator's view of the tool's keys: ``/lti/jwks`` through the tool's app,
    fetched once and again only for a ``kid`` it does not know (counted)."""

    def __init__(self, app: FastAPI) -> None:
        self._client = TestClient(app, base_url=TOOL_BASE_URL)
        self._keys: dict[str, Any] = {}
        self.fetches = 0
        self._lock = threading.Lock()

    def _fetch(self) -> None:
        self.fetches += 1
        document = self._client.get("/lti/jwks").json()
        self._keys = {k["kid"]: jwt.PyJWK.from_dict(k).key for k in document["keys"]}

    def key_for(self, assertion: str) -> Any:
        kid = jwt.get_unverified_header(assertion).get("kid")
        with self._lock:
            if kid not in self._keys:
                self._fetch()
            if kid not in self._keys:
                raise ValueError(f"unknown kid {kid!r}")
            return self._keys[kid]


@dataclass
class Simulator:
    """A live simulator: its app (shared state), a client on it, its config."""

    app: FastAPI
    client: TestClient
    config: SimulatorConfig
    server: LiveServer
    tool_jwks: ToolJwks

    @property
    def course(self) -> CourseState:
        state: CourseState = self.app.state.course
        return state

    @property
    def url(self) -> str:
        return self.config.issuer


def bound_socket(port: int = 0) -> socket.socket:
    """A listening loopback socket (``port`` 0: any free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    return sock


def start_simulator(
    tool_app: FastAPI, *, port: int = 0, data_dir: Path | None = None, **config: Any
) -> Simulator:
    """A live simulator on ``port`` (a free one unless given), keeping its course in
    ``data_dir`` as the demo does when given."""
    sock = bound_socket(port)
    port = sock.getsockname()[1]
    sim_config = SimulatorConfig(
        issuer=f"http://127.0.0.1:{port}", tool_base_url=TOOL_BASE_URL, **config
    )
    tool_jwks = ToolJwks(tool_app)
    app = create_simulator(
        sim_config,
        settings=Settings(env="test"),
        key=_SIM_KEY,
        tool_keys=tool_jwks,
        data_dir=data_dir,
    )
    server = LiveServer(app, sock)
    server.start()
    return Simulator(
        app, TestClient(app, base_url=sim_config.issuer), sim_config, server, tool_jwks
    )


def restart_simulator(sim: Simulator) -> None:
    """Serve the same simulator (its state and all) again on its port, after
    ``sim.server.stop()`` took it down: a platform that was down and is back."""
    port = int(sim.config.issuer.rsplit(":", 1)[1])
    sim.server = LiveServer(sim.app, bound_socket(port))
    sim.server.start()


def simulator_fixture(
    tool_app: FastAPI, db: Session, *, register: bool, **config: Any
) -> Iterator[Simulator]:
    sim = start_simulator(tool_app, **config)
    try:
        if register:
            register_simulator(db, sim.config)
        yield sim
    finally:
        sim.server.stop()


def register_simulator(db: Session, config: SimulatorConfig, **kwargs: Any) -> int:
    platform = service.add_platform(
        db,
        issuer=config.issuer,
        client_id=config.client_id,
        auth_login_url=config.auth_url,
        auth_token_url=config.token_url,
        keyset_url=config.jwks_url,
        deployment_ids=[config.deployment_id],
        name=config.platform_name,
        **kwargs,
    )
    db.commit()
    assert platform.id is not None
    return platform.id


def only_form_of(response: httpx.Response) -> Form:
    forms = parse(response.text).forms
    assert len(forms) == 1, response.text
    return forms[0]


def launch(tool: TestClient, sim: Simulator, person: str = "lena", **query: str) -> httpx.Response:
    """Click in the simulator as ``person``; the tool's answer to ``/lti/launch``.

    The tests let several people act through one client, each with the page token of
    their own launch. One cookie jar would be one browser, where the session cookie of
    the last launch makes Kurswerk refuse everyone else's links (``kurswerk.core.auth``): so
    the session cookie is not kept, as in a browser that refuses it."""
    login = only_form_of(sim.client.get(f"/launch/{person}", params=query))
    assert login.action == sim.config.tool_login_url
    redirect = tool.post("/lti/login", data=login.fields, follow_redirects=False)
    assert redirect.status_code == 302, redirect.text
    location = urlsplit(redirect.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == sim.url
    answer = only_form_of(sim.client.get(f"{location.path}?{location.query}"))
    assert answer.action == sim.config.tool_launch_url, answer.fields
    response = tool.post("/lti/launch", data=answer.fields, follow_redirects=False)
    tool.cookies.delete(SESSION_COOKIE)
    return response


def landing(response: httpx.Response) -> tuple[str, str]:
    """(path with the tool's query minus the session token, the session token)."""
    assert response.status_code == 303, response.text
    location = urlsplit(response.headers["location"])
    query = parse_qs(location.query)
    token = query.pop("kt")[0]
    rest = "&".join(f"{k}={v[0]}" for k, v in query.items())
    return location.path + (f"?{rest}" if rest else ""), token


def context_of(db: Session) -> LmsContext:
    db.expire_all()
    return db.exec(select(LmsContext)).one()


def user(db: Session, sub: str) -> PlatformUser:
    db.expire_all()
    return db.exec(select(PlatformUser).where(PlatformUser.sub == sub)).one()


def with_config(sim_config: SimulatorConfig, **changes: Any) -> SimulatorConfig:
    return replace(sim_config, **changes)
