"""The course roster over NRPS 2.0 from the live simulator: every page (three here), the
``Link`` header read whatever its spelling, roles as short names or URIs, and a page for
tutors that says why when there is no roster."""

from __future__ import annotations

import pytest
from requests.structures import CaseInsensitiveDict

from kurswerk.core.auth import Role
from kurswerk.devplatform.config import PEOPLE
from lti import service
from lti.nrps import member_of, next_link, parse_links
from lti.service_client import ServiceRefused, ServiceRegistration
from tests.lti.advantage import context_of, landing, launch, register_simulator, start_simulator

MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


@pytest.fixture(params=["quoted", "unquoted"])
def paged_sim(request, app, db):
    """Three people, one per page: three pages, ``rel="next"`` or ``rel=next``."""
    sim = start_simulator(app, people=PEOPLE[:3], nrps_page_size=1, nrps_link_style=request.param)
    register_simulator(db, sim.config)
    yield sim
    sim.server.stop()


def test_all_three_pages_are_read_with_one_token(client, paged_sim, db, app):
    landing(launch(client, paged_sim, "tom"))
    roster = service.course_roster(db, service.service_client(app), context_id=context_of(db).id)
    assert roster.pages == 3
    assert paged_sim.course.requests["memberships"] == 3
    assert paged_sim.course.requests["token"] == 1
    assert [m.user_id for m in roster.members] == ["2001", "2002", "2003"]
    by_id = {m.user_id: m for m in roster.members}
    assert by_id["2001"].roles == ("Learner",)  # Moodle's short names
    assert by_id["2001"].role is Role.LEARNER
    assert by_id["2002"].role is Role.TUTOR
    assert by_id["2003"].email == "ada.admin@example.org"
    assert roster.context_title == "Social-Media-Strategie (Demo)"


def test_the_roster_page_records_who_is_a_tutor_there_for_the_tutor_mails(
    client, paged_sim, db, app
):
    """Ada opens the roster page; Tom (a tutor in the roster) has not launched: the mails
    to the course's tutors reach him all the same, at the roster's address."""
    _, token = landing(launch(client, paged_sim, "ada"))
    context_id = context_of(db).id
    assert service.course_staff(db, context_id, [Role.TUTOR]) == []
    assert client.get(f"/c/{context_id}/roster", params={"kt": token}).status_code == 200
    db.expire_all()
    staff = {
        user.sub: (user.email, role)
        for user, role in service.course_staff(db, context_id, [Role.TUTOR, Role.ADMIN])
    }
    assert staff["2002"] == (PEOPLE[1].email, Role.TUTOR)
    assert "2001" not in staff  # Lena, a learner


def test_full_role_uris_are_understood_too(client, app, db):
    sim = start_simulator(app, nrps_short_roles=False, nrps_page_size=2)
    try:
        register_simulator(db, sim.config)
        landing(launch(client, sim, "tom"))
        roster = service.course_roster(
            db, service.service_client(app), context_id=context_of(db).id
        )
        assert roster.pages == 2
        lena = roster.members[0]
        assert lena.roles == ("http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",)
        assert lena.role is Role.LEARNER
    finally:
        sim.server.stop()


def test_the_roster_page_shows_everyone_to_tutors_in_german_and_english(client, sim, db):
    path, token = landing(launch(client, sim, "tom"))
    context_id = context_of(db).id
    page = client.get(f"/c/{context_id}/roster", params={"kt": token})
    assert page.status_code == 200
    for name in ("Lena Lernende", "Tom Tutor", "Ada Admin"):
        assert name in page.text
    assert "Teilnehmendenliste des LMS" in page.text and "Rolle in Kurswerk" in page.text

    switched = client.post(
        "/session/locale",
        data={"locale": "en", "next": f"/c/{context_id}/roster", "csrf_token": _csrf(page.text)},
        params={"kt": token},
        follow_redirects=False,
    )
    english = client.get(switched.headers["location"])
    assert "LMS roster" in english.text and "Role in Kurswerk" in english.text


def _csrf(html: str) -> str:
    marker = 'name="csrf_token" value="'
    return html.split(marker, 1)[1].split('"', 1)[0]


def test_learners_do_not_see_the_roster(client, sim, db):
    _, token = landing(launch(client, sim, "lena"))
    assert client.get(f"/c/{context_of(db).id}/roster", params={"kt": token}).status_code == 403


def test_no_roster_without_the_scope_or_the_claim_says_why(client, app, db):
    sim = start_simulator(app, granted_scopes=(SCORE,))
    try:
        register_simulator(db, sim.config)
        _, token = landing(launch(client, sim, "tom"))
        page = client.get(f"/c/{context_of(db).id}/roster", params={"kt": token})
        assert page.status_code == 200
        assert "bietet keine Teilnehmendenliste" in page.text  # no NRPS claim in the launch
        assert sim.course.requests["memberships"] == 0
    finally:
        sim.server.stop()


def test_a_platform_that_did_not_grant_nrps_gets_no_request(client, app, db):
    sim = start_simulator(app)
    try:
        register_simulator(db, sim.config, granted_scopes=[SCORE])
        _, token = landing(launch(client, sim, "tom"))
        page = client.get(f"/c/{context_of(db).id}/roster", params={"kt": token})
        assert "nicht gewährt" in page.text
        assert sim.course.requests["memberships"] == 0
    finally:
        sim.server.stop()


def test_a_failing_roster_service_is_reported_not_crashed(client, sim, db):
    _, token = landing(launch(client, sim, "tom"))
    sim.course.faults.fail_next["memberships"] = [503]
    page = client.get(f"/c/{context_of(db).id}/roster", params={"kt": token})
    assert page.status_code == 200
    assert "nicht erreichbar" in page.text and "HTTP 503" in page.text


# --- the Link header ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Link", '<https://lms.example/m?page=2>; rel="next"'),
        ("link", "<https://lms.example/m?page=2>; rel=next"),
        ("LINK", '<https://lms.example/m?page=2>; REL="Next"'),
        (
            "Link",
            '<https://lms.example/m?page=1>; rel="prev", '
            '<https://lms.example/m?page=2>; rel="next"',
        ),
        ("Link", '<https://lms.example/m?page=2>; rel="next last"; title="x"'),
        ("Link", "</m?page=2>; rel=next"),
    ],
    ids=["quoted", "lowercase-unquoted", "upper", "two-links", "two-relations", "relative"],
)
def test_next_link_is_found_in_any_spelling(name, value):
    headers = CaseInsensitiveDict({name: value})
    assert next_link(headers, base_url="https://lms.example/m") == "https://lms.example/m?page=2"


@pytest.mark.parametrize(
    "value",
    ['<https://lms.example/m?page=1>; rel="prev"', "", "garbage", '<https://x>; rel="nextpage"'],
)
def test_no_next_link(value):
    assert next_link(CaseInsensitiveDict({"Link": value}), base_url="https://lms.example/m") is None


def test_parse_links_keeps_parameters():
    [(uri, params)] = parse_links('<https://a/b>; rel="next"; type="application/json"')
    assert uri == "https://a/b" and params == {"rel": "next", "type": "application/json"}


class _StubClient:
    """Answers roster requests from a script of (body, Link) pairs."""

    def __init__(self, pages):
        self.pages = pages
        self.urls = []

    def call(self, registration, scopes, method, url, **kwargs):
        from lti.service_client import ServiceResponse

        self.urls.append(url)
        body, link = self.pages[len(self.urls) - 1]
        import json

        headers = CaseInsensitiveDict({"Link": link} if link else {})
        return ServiceResponse(200, headers, json.dumps(body).encode(), url)


REG = ServiceRegistration(1, "https://lms.example", "c", "https://lms.example/token")


def test_a_next_page_on_another_host_is_refused():
    from lti.nrps import fetch_roster

    client = _StubClient([({"members": []}, "<https://evil.example/steal>; rel=next")])
    with pytest.raises(ServiceRefused, match="another host"):
        fetch_roster(client, REG, "https://lms.example/m")  # type: ignore[arg-type]
    assert client.urls == ["https://lms.example/m"]  # the token never went there


def test_pages_that_link_in_a_circle_are_refused():
    from lti.nrps import fetch_roster

    client = _StubClient(
        [
            ({"members": []}, "<https://lms.example/m?page=2>; rel=next"),
            ({"members": []}, "<https://lms.example/m>; rel=next"),
        ]
    )
    with pytest.raises(ServiceRefused, match="circle"):
        fetch_roster(client, REG, "https://lms.example/m")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "entry",
    [None, "x", {}, {"user_id": ""}, {"user_id": 5}],
    ids=["none", "text", "empty", "empty-id", "number-id"],
)
def test_entries_without_a_user_id_are_skipped(entry):
    assert member_of(entry) is None


def test_unknown_roles_map_to_no_kurswerk_role():
    member = member_of({"user_id": "9", "roles": ["ContentDeveloper", 7]})
    assert member is not None and member.roles == ("ContentDeveloper",) and member.role is None


def test_roster_members_become_known_users_for_the_coaching_grant(client, sim, db, app):
    from sqlmodel import select

    from lti.models import PlatformUser

    landing(launch(client, sim, "tom"))
    tom_before = db.exec(select(PlatformUser).where(PlatformUser.sub == "2002")).one().id
    context_id = context_of(db).id
    roster = service.course_roster(db, service.service_client(app), context_id=context_id)
    ids = service.record_members(db, context_id=context_id, members=roster.members)
    db.commit()
    assert set(ids) == {person.sub for person in PEOPLE}
    assert ids["2002"] == tom_before  # the launched user, not a second row
    lena = db.get(PlatformUser, ids["2001"])  # never launched: known from the roster
    assert lena is not None and lena.name == "Lena Lernende"
    assert lena.email == "lena.lernende@example.org"
    assert len(db.exec(select(PlatformUser)).all()) == len(PEOPLE)


def test_a_launch_asks_the_worker_to_read_a_roster_not_read_today(
    client, paged_sim, db, app, settings, engine
):
    """Nobody has opened a roster page: Lena's launches ask once (an outbox row per course
    and day), the worker reads the roster, and Tom — a tutor who never launched — is now
    among the people the course's tutor mails reach."""
    from sqlmodel import select

    from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus, deliver_due

    landing(launch(client, paged_sim, "lena"))
    landing(launch(client, paged_sim, "lena"))
    context_id = context_of(db).id
    db.expire_all()
    [asked] = db.exec(
        select(OutboxMessage).where(OutboxMessage.kind == service.ROSTER_REFRESH)
    ).all()
    assert asked.payload == {"context_id": context_id}
    handler = service.roster_refresh_handler(settings, engine)
    assert deliver_due(engine, {service.ROSTER_REFRESH: handler}).sent == 1
    staff = {user.sub for user, _ in service.course_staff(db, context_id, [Role.TUTOR])}
    assert "2002" in staff

    landing(launch(client, paged_sim, "lena"))  # read today: nothing asked again
    db.expire_all()
    rows = db.exec(select(OutboxMessage).where(OutboxMessage.kind == service.ROSTER_REFRESH))
    assert [row.status for row in rows.all()] == [OutboxStatus.SENT]
