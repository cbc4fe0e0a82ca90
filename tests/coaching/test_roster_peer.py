"""A bulk grant from a roster served by another implementation: lti1p3platform (PyPI) as
the platform, live on loopback. Its OIDC login, its signed launch with the NRPS claim,
its token endpoint checking our client assertion, its NRPS service paging three members
one per page (``Link: <…>; rel=next``, unquoted, written by its own helper); full role
URIs; one learner without an email address. Then that learner arrives and has the
package."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from coaching.models import CoachingAuditEntry, CoachingGrant, CoachingPackage
from lti import service as lti_service
from lti.models import LmsContext
from tests.conftest import TOOL_BASE_URL
from tests.course.html_tools import parse
from tests.e2e.servers import LiveServer
from tests.lti.advantage import bound_socket, landing
from tests.lti.peer import Peer, peer_services_app

ISSUER = "https://lms.example.net"
CLIENT_ID = "kurswerk-peer"
DEPLOYMENT = "deployment-7"
AUTH_URL = "https://auth.example.net/authorize"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
INSTRUCTOR = LIS + "membership#Instructor"
LEARNER = LIS + "membership#Learner"
ADMIN = LIS + "institution/person#Administrator"

MEMBERS = [
    {
        "user_id": "peer-admin",
        "name": "Petra Plattform",
        "email": "petra@example.net",
        "roles": [INSTRUCTOR],
    },
    {"user_id": "peer-l1", "name": "Lukas Lernt", "email": "lukas@example.net", "roles": [LEARNER]},
    {"user_id": "peer-l2", "name": "Nora Ohnemail", "roles": [LEARNER]},  # no email
]


@dataclass
class PeerPlatform:
    peer: Peer
    url: str
    hits: Any


@pytest.fixture
def platform(app, client: TestClient, db: Session) -> Iterator[PeerPlatform]:
    peer = Peer(
        issuer=ISSUER, client_id=CLIENT_ID, deployment_id=DEPLOYMENT, tool_base_url=TOOL_BASE_URL
    )
    sock = bound_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    services = peer_services_app(
        peer, base_url=url, tool_jwks=client.get("/lti/jwks").json(), members=MEMBERS,
        page_size=1,
    )  # fmt: skip
    server = LiveServer(services, sock)
    server.start()
    lti_service.add_platform(
        db,
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_login_url=AUTH_URL,
        auth_token_url=url + "/token",
        keyset_url=url + "/jwks",
        deployment_ids=[DEPLOYMENT],
        name="lti1p3platform",
    )
    db.commit()
    try:
        yield PeerPlatform(peer, url, services.state.hits)
    finally:
        server.stop()


def launch(client: TestClient, platform: PeerPlatform, who: dict[str, Any], roles) -> str:
    """The whole OIDC flow with the peer; returns the page token."""
    initiation = platform.peer.login_initiation_url(user_id=who["user_id"])
    form = {k: v[0] for k, v in parse_qs(urlsplit(initiation).query).items()}
    login = client.post("/lti/login", data=form, follow_redirects=False)
    assert login.status_code == 302, login.text
    fields = platform.peer.answer_authorisation(
        login.headers["location"],
        user_id=who["user_id"],
        roles=roles,
        name=who["name"],
        email=who.get("email"),
        memberships_url=platform.url + "/memberships",
    )
    answer = client.post(
        fields["launch_url"],
        data={"id_token": fields["id_token"], "state": fields["state"]},
        follow_redirects=False,
    )
    return landing(answer)[1]


def test_an_admin_grants_from_a_three_page_roster_of_lti1p3platform(client, platform, db):
    token = launch(client, platform, MEMBERS[0], [INSTRUCTOR, ADMIN])
    course = db.exec(select(LmsContext)).one()
    package = CoachingPackage(platform_id=course.platform_id, name="Coaching Basis")
    db.add(package)
    db.commit()
    roster_path = f"/c/{course.id}/coaching/roster"

    page = client.get(roster_path, params={"kt": token})
    assert page.status_code == 200, page.text
    # one member per page, every page read (the page says why, if not)
    assert platform.hits["/memberships"] == 3, parse(page.text).find("main").clean_text
    assert platform.hits["/token"] == 1
    root = parse(page.text)
    ticked = {
        el.attrs["value"]: el.parent.parent.find("label").clean_text  # type: ignore[union-attr]
        for el in root.find_all("input", name="member")
        if "checked" in el.attrs
    }
    assert sorted(ticked.values()) == ["Lukas Lernt", "Nora Ohnemail"]  # full URIs understood

    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post(
        roster_path,
        params={"kt": token},
        data={"csrf_token": csrf, "package": str(package.id), "member": list(ticked)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert parse_qs(urlsplit(answer.headers["location"]).query)["granted"] == ["2"]
    grants = db.exec(select(CoachingGrant)).all()
    assert sorted((g.user_id, g.email) for g in grants) == sorted(
        (int(user_id), None) for user_id in ticked
    )
    entries = db.exec(select(CoachingAuditEntry)).all()
    assert {(e.actor_label, e.detail["source"]) for e in entries} == {("Petra Plattform", "roster")}
    assert len(entries) == 2

    # Nora, who has no email address in the LMS, arrives: the package is hers
    nora = launch(client, platform, MEMBERS[2], [LEARNER])
    mine = client.get(f"/c/{course.id}/coaching", params={"kt": nora})
    assert "Coaching Basis" in mine.text
    assert "Sie haben in diesem Kurs kein Coachingpaket." not in mine.text
