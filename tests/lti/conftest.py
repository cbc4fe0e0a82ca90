"""LTI test fixtures: a loopback key-set server, a forger and a real platform peer, both
registered through the service, and helpers to run a login and check for a session."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kurswerk.core.auth import SESSION_COOKIE
from lti import service
from lti.models import LmsContext, LoginState, Membership, PlatformUser
from tests.conftest import TOOL_BASE_URL
from tests.lti.forger import Forger
from tests.lti.peer import Peer

FORGER_ISSUER = "https://moodle.example.org"
FORGER_CLIENT_ID = "kurswerk-client"
FORGER_DEPLOYMENT = "1"
FORGER_AUTH_URL = "https://moodle.example.org/mod/lti/auth.php"

PEER_ISSUER = "https://lms.example.net"
PEER_CLIENT_ID = "kurswerk-peer"
PEER_DEPLOYMENT = "deployment-7"
PEER_AUTH_URL = "https://auth.example.net/authorize"


class KeysetServer:
    """JSON documents served over real HTTP on 127.0.0.1, with a request count per path;
    a POST is recorded (headers, body) and answered with ``answers[path]``."""

    def __init__(self) -> None:
        self.documents: dict[str, Any] = {}
        self.hits: Counter[str] = Counter()
        self.posted: dict[str, list[tuple[dict[str, str], bytes]]] = {}
        self.answers: dict[str, Any] = {}  # path -> callable(body) -> (status, document)
        lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                with lock:
                    owner.hits[self.path] += 1
                document = owner.documents.get(self.path)
                if document is None:
                    self.send_error(404)
                    return
                self._send_json(200, document)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    owner.hits[self.path] += 1
                    owner.posted.setdefault(self.path, []).append((dict(self.headers), body))
                answer = owner.answers.get(self.path)
                if answer is None:
                    self.send_error(404)
                    return
                status, document = answer(body)
                self._send_json(status, document)

            def _send_json(self, status: int, document: Any) -> None:
                encoded = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def keyset_server() -> Iterator[KeysetServer]:
    server = KeysetServer()
    yield server
    server.close()


def register(
    db: Session,
    *,
    issuer: str,
    client_id: str,
    deployment_id: str,
    auth_url: str,
    keyset_url: str,
    name: str = "Test LMS",
    granted_scopes: list[str] | None = None,
) -> int:
    platform = service.add_platform(
        db,
        issuer=issuer,
        client_id=client_id,
        auth_login_url=auth_url,
        auth_token_url=issuer + "/token",
        keyset_url=keyset_url,
        deployment_ids=[deployment_id],
        name=name,
        granted_scopes=granted_scopes,
    )
    db.commit()
    assert platform.id is not None
    return platform.id


@pytest.fixture
def forger(db: Session, keyset_server: KeysetServer) -> Forger:
    forger = Forger(
        issuer=FORGER_ISSUER,
        client_id=FORGER_CLIENT_ID,
        deployment_id=FORGER_DEPLOYMENT,
        tool_base_url=TOOL_BASE_URL,
    )
    keyset_server.documents["/forger/jwks"] = forger.jwks()
    register(
        db,
        issuer=FORGER_ISSUER,
        client_id=FORGER_CLIENT_ID,
        deployment_id=FORGER_DEPLOYMENT,
        auth_url=FORGER_AUTH_URL,
        keyset_url=keyset_server.url("/forger/jwks"),
    )
    return forger


@pytest.fixture
def peer(db: Session, keyset_server: KeysetServer) -> Peer:
    peer = Peer(
        issuer=PEER_ISSUER,
        client_id=PEER_CLIENT_ID,
        deployment_id=PEER_DEPLOYMENT,
        tool_base_url=TOOL_BASE_URL,
    )
    keyset_server.documents["/peer/jwks"] = peer.jwks()
    register(
        db,
        issuer=PEER_ISSUER,
        client_id=PEER_CLIENT_ID,
        deployment_id=PEER_DEPLOYMENT,
        auth_url=PEER_AUTH_URL,
        keyset_url=keyset_server.url("/peer/jwks"),
    )
    return peer


@dataclass
class LoginRedirect:
    response: httpx.Response
    location: str
    params: dict[str, str]

    @property
    def state(self) -> str:
        return self.params["state"]

    @property
    def nonce(self) -> str:
        return self.params["nonce"]


def login_params(**overrides: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "iss": FORGER_ISSUER,
        "login_hint": "user-hint-1",
        "target_link_uri": TOOL_BASE_URL + "/lti/launch",
        "lti_message_hint": "message-hint-1",
        "client_id": FORGER_CLIENT_ID,
        "lti_deployment_id": FORGER_DEPLOYMENT,
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def start_login(client: TestClient, **overrides: str | None) -> LoginRedirect:
    """A Moodle-style login initiation (form POST); asserts it redirects to the platform."""
    response = client.post("/lti/login", data=login_params(**overrides), follow_redirects=False)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    return LoginRedirect(response=response, location=location, params=query)


def post_launch(client: TestClient, id_token: str, state: str) -> httpx.Response:
    return client.post(
        "/lti/launch", data={"id_token": id_token, "state": state}, follow_redirects=False
    )


def count_rows(engine: Engine, model: type[Any]) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def set_cookie_headers(response: httpx.Response) -> list[str]:
    return response.headers.get_list("set-cookie")


def assert_refused_without_session(
    response: httpx.Response, engine: Engine, *, status: int | None = None
) -> None:
    """A refusal: 4xx, no session cookie, no session token, no identity rows."""
    if status is not None:
        assert response.status_code == status, response.text
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert not any(h.startswith(SESSION_COOKIE + "=") for h in set_cookie_headers(response))
    assert "kt=" not in response.headers.get("location", "")
    assert "kt=" not in response.text
    for model in (PlatformUser, LmsContext, Membership):
        assert count_rows(engine, model) == 0, model.__name__


def consumed_states(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(LoginState)
                .where(LoginState.consumed_at.is_not(None))  # type: ignore[union-attr]
            ).scalar_one()
        )


# --- the lti1p3platform peer's whole flow -----------------------------------------------

PEER_LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def run_flow(client: TestClient, peer: Peer, *, use_post: bool = True, **launch_kwargs):
    """Platform → /lti/login → platform's authorisation → /lti/launch; returns the answer."""
    user_id = launch_kwargs.pop("user_id", "peer-user-1")
    initiation = peer.login_initiation_url(user_id=user_id)
    assert initiation.startswith(TOOL_BASE_URL + "/lti/login?")
    if use_post:  # Moodle posts the initiation as a form
        form = {k: v[0] for k, v in parse_qs(urlsplit(initiation).query).items()}
        login = client.post("/lti/login", data=form, follow_redirects=False)
    else:
        login = client.get(initiation, follow_redirects=False)
    assert login.status_code == 302, login.text
    authorisation = login.headers["location"]
    assert authorisation.startswith(PEER_AUTH_URL + "?")
    form_fields = peer.answer_authorisation(
        authorisation,
        user_id=user_id,
        roles=launch_kwargs.pop("roles", [PEER_LEARNER]),
        **launch_kwargs,
    )
    assert form_fields["launch_url"] == TOOL_BASE_URL + "/lti/launch"
    return login, client.post(
        form_fields["launch_url"],
        data={"id_token": form_fields["id_token"], "state": form_fields["state"]},
        follow_redirects=False,
    )


# --- LTI Advantage: the simulator as a live peer, a fake deep-linking catalog --------------


@pytest.fixture
def sim(app, db: Session):
    """The LMS simulator, live on loopback, registered in the tool by hand."""
    from tests.lti.advantage import simulator_fixture

    yield from simulator_fixture(app, db, register=True)


@pytest.fixture
def catalog(fill_slot):
    """A stand-in for the course package's catalog, in its slot for this test."""
    from tests.lti.catalog import FakeCatalog

    fake = FakeCatalog()
    fill_slot(service.DEEP_LINK_CATALOG, fake)
    return fake


@pytest.fixture
def cli_env(monkeypatch, database_url):
    """``kurswerk`` commands run against the test database."""
    from kurswerk.core.settings import get_settings

    monkeypatch.setenv("KURSWERK_DATABASE_URL", database_url)
    monkeypatch.setenv("KURSWERK_ENV", "test")
    monkeypatch.setenv("KURSWERK_TOOL_KEY_OVERLAP_HOURS", "72")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# --- lti1p3platform as a live platform on loopback ---------------------------------------


@pytest.fixture
def live_tool(app):
    """The tool's app also on a loopback socket: the peer fetches ``/lti/jwks`` by URL."""
    from tests.lti.ltipeer import Served

    served = Served(app)
    yield served
    served.stop()


@pytest.fixture
def live_peer(live_tool, db: Session):
    """lti1p3platform live on loopback, registered in the tool through ``lti.service``."""
    from tests.lti.ltipeer import LivePeer

    peer = LivePeer(tool_base_url=TOOL_BASE_URL, tool_jwks_url=live_tool.url + "/lti/jwks")
    peer.register(db)
    yield peer
    peer.stop()
