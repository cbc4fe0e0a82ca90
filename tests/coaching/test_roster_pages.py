"""The coaching roster page over HTTP, with the LMS simulator live on loopback as the
platform (its roster: two people per page, Moodle's short role names): what admins and
tutors see, the bulk grant, and every refusal (role, CSRF, foreign ids and packages, an
empty choice, the roster service down) with nothing written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from coaching.models import CoachingGrant, CoachingPackage
from kurswerk.core.clock import utcnow
from kurswerk.devplatform.config import LEARNER, PEOPLE, Person
from lti.models import LmsContext
from tests.coaching.fixtures import *  # noqa: F403
from tests.coaching.fixtures import TODAY, audit_log, make_package, snapshot
from tests.course.html_tools import parse
from tests.lti.advantage import (
    Simulator,
    landing,
    launch,
    register_simulator,
    simulator_fixture,
    start_simulator,
    user,
)
from tests.support.statements import reads, statements

SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


@pytest.fixture
def sim(app, db: Session) -> Iterator[Simulator]:
    yield from simulator_fixture(app, db, register=True)


@pytest.fixture
def web(client: TestClient) -> TestClient:
    client.follow_redirects = False
    return client


class Staff:
    """Someone who launched from the simulator: their course and page token."""

    def __init__(self, client: TestClient, sim: Simulator, db: Session, who: str) -> None:
        path, self.token = landing(launch(client, sim, who))
        self.context_id = int(path.split("/")[2])
        course = db.get(LmsContext, self.context_id)
        assert course is not None
        self.platform_id = course.platform_id
        self.client = client

    @property
    def path(self) -> str:
        return f"/c/{self.context_id}/coaching/roster"

    def get(self, **params: str) -> httpx.Response:
        return self.client.get(self.path, params={"kt": self.token, **params})

    def ids(self, db: Session, *keys: str) -> list[str]:
        """The ids of these people's checkboxes, as the page an admin opens lists them."""
        assert self.get().status_code == 200
        return member_ids(db, *keys)

    def csrf(self) -> str:
        page = self.client.get(f"/c/{self.context_id}/coaching", params={"kt": self.token})
        return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    def post(self, fields: list[tuple[str, str]], *, csrf: str | None = "auto") -> httpx.Response:
        if csrf == "auto":
            csrf = self.csrf()
        if csrf is not None:
            fields = [*fields, ("csrf_token", csrf)]
        return self.client.post(
            self.path,
            params={"kt": self.token},
            content="&".join(f"{k}={v}" for k, v in fields),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )


def package_of(db: Session, staff: Staff, name: str = "Coaching Basis", **fields: Any):
    return make_package(db, staff.platform_id, name=name, feedback_quota=3, **fields)


def boxes(html: str) -> dict[str, bool]:
    """The grant form's checkboxes: the person's label text -> checked."""
    root = parse(html)
    labels = {el.attrs.get("for"): el.clean_text for el in root.find_all("label")}
    return {
        labels[el.attrs["id"]]: "checked" in el.attrs
        for el in root.find_all("input", name="member")
    }


def member_ids(db: Session, *keys: str) -> list[str]:
    """The user ids the form sends for these people (known once a roster page was shown:
    see ``Staff.ids``)."""
    subs = {p.key: p.sub for p in PEOPLE}
    return [str(user(db, subs[key]).id) for key in keys]


def grant_fields(package: CoachingPackage | str, ids: list[str], **extra: str):
    value = package if isinstance(package, str) else str(package.id)
    return [("package", value), *[("member", i) for i in ids], *extra.items()]


def problems(html: str) -> str:
    return parse(html).find(cls="error-summary").clean_text


# --- What admins and tutors see --------------------------------------------------------


def test_admins_see_every_page_of_the_roster_with_learners_without_a_package_ticked(web, sim, db):
    ada = Staff(web, sim, db, "ada")
    package_of(db, ada)
    page = ada.get()
    assert page.status_code == 200
    assert sim.course.requests["memberships"] == 2  # two people per page, four people
    assert boxes(page.text) == {
        "Ada Admin": False,
        "Carla Coaching": True,
        "Lena Lernende": True,
        "Tom Tutor": False,
    }
    root = parse(page.text)
    rows = {row.find("th").clean_text: row.clean_text for row in root.find("tbody").find_all("tr")}
    assert "ada.admin@example.org" in rows["Ada Admin"]
    # the LMS's roles (Moodle sends LIS names) in the page's language, beside Kurswerk's
    assert "Tutor:in (Lehrende)" in rows["Tom Tutor"]
    assert "Teilnehmer:in (Lernende)" in rows["Lena Lernende"]
    assert " ja " in f" {rows['Ada Admin']} " and " nein " in f" {rows['Lena Lernende']} "
    assert "kein Paket" in rows["Lena Lernende"]
    nav = root.find("nav", cls="admin-nav")
    current = nav.find("a", aria_current="page")
    assert current.clean_text == "Teilnehmendenliste (LMS)"
    # the read-only roster page links here for admins
    lms_roster = web.get(f"/c/{ada.context_id}/roster", params={"kt": ada.token})
    assert "Coachingpakete aus dieser Liste vergeben" in lms_roster.text
    assert f"/c/{ada.context_id}/coaching/roster?kt=" in lms_roster.text


def test_the_filter_shows_only_learners_without_a_package(web, sim, db):
    ada = Staff(web, sim, db, "ada")
    package = package_of(db, ada)
    ada.post(grant_fields(package, ada.ids(db, "lena")))
    page = ada.get(show="without")
    assert boxes(page.text) == {"Carla Coaching": True}
    assert "4 Personen im LMS-Kurs, 1 angezeigt." in page.text
    assert list(boxes(ada.get(show="learners").text)) == ["Carla Coaching", "Lena Lernende"]
    assert len(boxes(ada.get(show="<script>").text)) == 4  # unknown: everyone


def test_tutors_see_the_coaching_status_without_a_form_and_cannot_post(web, sim, db):
    ada = Staff(web, sim, db, "ada")
    package = package_of(db, ada)
    assert ada.post(grant_fields(package, ada.ids(db, "lena"))).status_code == 303
    tom = Staff(web, sim, db, "tom")
    page = tom.get()
    assert page.status_code == 200
    assert (
        boxes(page.text) == {}
        and 'method="post" action="/c/' not in page.text.split("</header>")[1]
    )
    assert "admin-nav" not in page.text
    row = next(
        r.clean_text for r in parse(page.text).find("tbody").find_all("tr") if "Lena" in r.text
    )
    assert "Coaching Basis" in row and "0 genutzt, 3 übrig" in row
    assert "Pakete vergeben die Administrator:innen." in page.text
    before = snapshot(db)
    refused = tom.post(grant_fields(package, ada.ids(db, "carla")))
    assert refused.status_code == 403
    lena = Staff(web, sim, db, "lena")
    assert lena.get().status_code == 403
    assert lena.post(grant_fields(package, ada.ids(db, "lena"))).status_code == 403
    assert snapshot(db) == before
    lms_roster = web.get(f"/c/{tom.context_id}/roster", params={"kt": tom.token})
    assert "Coachingpakete der Teilnehmenden ansehen" in lms_roster.text


# --- Granting --------------------------------------------------------------------------


def test_an_admin_grants_in_bulk_and_reads_the_summary(web, sim, db):
    ada = Staff(web, sim, db, "ada")
    package = package_of(db, ada)
    until = (TODAY + timedelta(days=90)).isoformat()
    answer = ada.post(grant_fields(package, ada.ids(db, "lena", "carla"), valid_until=until))
    assert answer.status_code == 303, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert (query["granted"], query["already_held"]) == (["2"], ["0"])
    grants = db.exec(select(CoachingGrant).order_by(CoachingGrant.id)).all()
    assert [(g.user_id, g.valid_until) for g in grants] == [
        (user(db, "2001").id, TODAY + timedelta(days=90)),
        (user(db, "2004").id, TODAY + timedelta(days=90)),
    ]
    assert [(e.action, e.actor_label, e.detail["source"]) for e in audit_log(db)] == [
        ("granted", "Ada Admin", "roster"),
        ("granted", "Ada Admin", "roster"),
    ]
    page = web.get(answer.headers["location"])
    assert "Fertig: 2 neu vergeben, 0 übersprungen (hatten das Paket schon)." in page.text
    assert boxes(page.text)["Lena Lernende"] is False  # has a package now: not ticked
    audit_page = web.get(f"/c/{ada.context_id}/admin/coaching/audit", params={"kt": ada.token})
    assert "Teilnehmendenliste" in audit_page.text  # the source, in the log


def test_a_double_submit_grants_nothing_twice(web, sim, db):
    ada = Staff(web, sim, db, "ada")
    package = package_of(db, ada)
    fields = grant_fields(package, ada.ids(db, "lena", "carla"))
    csrf = ada.csrf()
    assert ada.post(fields, csrf=csrf).status_code == 303
    after_first = snapshot(db)
    again = ada.post(fields, csrf=csrf)
    assert again.status_code == 303
    query = parse_qs(urlsplit(again.headers["location"]).query)
    assert (query["granted"], query["already_held"]) == (["0"], ["2"])
    assert snapshot(db) == after_first


@pytest.mark.parametrize("csrf", [None, "forged-token"], ids=["missing", "wrong"])
def test_a_post_without_the_right_csrf_token_is_refused(web, sim, db, csrf):
    ada = Staff(web, sim, db, "ada")
    package = package_of(db, ada)
    fields = grant_fields(package, ada.ids(db, "lena"))
    before, asked = snapshot(db), sim.course.requests["memberships"]
    answer = ada.post(fields, csrf=csrf)
    assert answer.status_code == 403
    assert snapshot(db) == before
    assert sim.course.requests["memberships"] == asked  # refused before anything else


def test_ids_not_in_this_courses_roster_refuse_the_whole_grant(
    web, sim, db, make_learner, other_site
):
    ada = Staff(web, sim, db, "ada")
    package = package_of(db, ada)
    stranger = make_learner(context=other_site.course)  # another platform
    before = snapshot(db)
    selection = [*ada.ids(db, "lena"), str(stranger.principal.user_id), "2147483647"]
    answer = ada.post(grant_fields(package, selection))
    assert answer.status_code == 400
    assert "2 der ausgewählten Personen stehen nicht (mehr)" in problems(answer.text)
    assert snapshot(db) == before
    assert boxes(answer.text)["Lena Lernende"] is True  # the selection is kept


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("foreign", "Dieses Paket gibt es nicht."),
        ("archived", "Das Paket ist archiviert"),
        ("expired", "Das Paket ist abgelaufen"),
        ("none", "Bitte wählen Sie ein Paket."),
        ("nobody", "Bitte kreuzen Sie mindestens eine Person an."),
        ("bad-date", "Datum"),
    ],
)
def test_a_refused_grant_names_the_problem_and_writes_nothing(
    web, sim, db, other_site, case, message
):
    ada = Staff(web, sim, db, "ada")
    package_of(db, ada, name="Vorhanden")  # the form is on the page
    package: CoachingPackage | str = {
        "foreign": lambda: make_package(db, other_site.platform.id, name="Fremd"),
        "archived": lambda: package_of(db, ada, archived_at=utcnow()),
        "expired": lambda: package_of(db, ada, valid_until=TODAY - timedelta(days=1)),
        "none": lambda: "",
    }.get(case, lambda: package_of(db, ada))()
    ids = [] if case == "nobody" else ada.ids(db, "lena")
    extra = {"valid_until": "31.02.2026"} if case == "bad-date" else {}
    before = snapshot(db)
    answer = ada.post(grant_fields(package, ids, **extra))
    assert answer.status_code == 400
    assert message in problems(answer.text)
    assert snapshot(db) == before


def test_the_package_select_offers_only_this_platforms_current_packages(web, sim, db, other_site):
    ada = Staff(web, sim, db, "ada")
    package_of(db, ada)
    package_of(db, ada, name="Archiviert", archived_at=utcnow())
    package_of(db, ada, name="Abgelaufen", valid_until=TODAY - timedelta(days=1))
    make_package(db, other_site.platform.id, name="Fremd")
    select_box = parse(ada.get().text).find("select", id="rg-package")
    options = [o.clean_text for o in select_box.find_all("option") if o.attrs.get("value")]
    assert options == ["Coaching Basis (3 Einreichungen)"]


@pytest.mark.parametrize(
    ("fault", "status", "message"),
    [
        ([503], 502, "nicht erreichbar"),
        ([401, 401], 502, "Zugangsdaten abgelehnt"),
    ],
    ids=["5xx", "401"],
)
def test_a_failing_roster_service_is_reported_and_nothing_is_granted(
    web, sim, db, fault, status, message
):
    ada = Staff(web, sim, db, "ada")
    package = package_of(db, ada)
    fields = grant_fields(package, ada.ids(db, "lena"))
    csrf = ada.csrf()
    before = snapshot(db)
    sim.course.faults.fail_next["memberships"] = list(fault)
    answer = ada.post(fields, csrf=csrf)
    assert answer.status_code == status
    alert = parse(answer.text).find(cls="notice--error").clean_text
    assert message in alert and "Es wurde nichts vergeben." in alert
    assert snapshot(db) == before
    sim.course.faults.fail_next["memberships"] = list(fault)
    shown = ada.get()
    assert shown.status_code == 200 and message in shown.text


def test_a_platform_that_did_not_grant_the_roster_scope_gets_no_request(web, app, db):
    sim = start_simulator(app)
    try:
        register_simulator(db, sim.config, granted_scopes=[SCORE])
        ada = Staff(web, sim, db, "ada")
        package = package_of(db, ada)
        lena_sub = next(p.sub for p in PEOPLE if p.key == "lena")
        from lti.models import PlatformUser

        lena = PlatformUser(platform_id=package.platform_id, sub=lena_sub, name="Lena")
        db.add(lena)
        db.commit()
        before = snapshot(db)
        answer = ada.post(grant_fields(package, [str(lena.id)]))
        assert answer.status_code == 409
        assert "nicht gewährt" in answer.text and "Es wurde nichts vergeben." in answer.text
        assert snapshot(db) == before
        assert sim.course.requests["memberships"] == 0
    finally:
        sim.server.stop()


def test_the_page_speaks_english(web, app, db):
    sim = start_simulator(app, locale="en-US")
    try:
        register_simulator(db, sim.config)
        ada = Staff(web, sim, db, "ada")
        package = package_of(db, ada)
        page = ada.get()
        assert "Roster and coaching packages" in page.text
        assert "Grant the package to the selected" in page.text
        answer = ada.post(grant_fields(package, []))
        assert "Please tick at least one person." in problems(answer.text)
        done = ada.post(grant_fields(package, ada.ids(db, "lena")))
        summary = web.get(done.headers["location"]).text
        assert "Done: 1 granted, 0 skipped (already held the package)." in summary
    finally:
        sim.server.stop()


# --- A large course --------------------------------------------------------------------


def test_a_roster_of_2000_is_one_page_and_one_grant_without_a_query_per_member(web, app, db):
    ada = next(p for p in PEOPLE if p.key == "ada")
    learners = tuple(
        Person(f"l{n}", f"{10000 + n}", "Lerner", f"{n:04d}", f"l{n}@example.org", (LEARNER,), "TN")
        for n in range(1999)
    )
    sim = start_simulator(app, people=(ada, *learners), nrps_page_size=50)
    try:
        register_simulator(db, sim.config)
        admin = Staff(web, sim, db, "ada")
        package = package_of(db, admin)
        engine = app.state.engine
        with statements(engine) as seen:
            page = admin.get()
        assert page.status_code == 200
        assert sim.course.requests["memberships"] == 40
        ticked = [i for i in re.findall(r'name="member" value="(\d+)" checked', page.text)]
        assert len(ticked) == 1999
        assert len(seen) <= 30 and len(reads(seen)) <= 20, seen
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        with statements(engine) as seen:
            answer = admin.post(grant_fields(package, ticked), csrf=csrf)
        assert answer.status_code == 303, answer.text[:500]
        assert parse_qs(urlsplit(answer.headers["location"]).query)["granted"] == ["1999"]
        assert len(reads(seen)) <= 20, reads(seen)
        assert len(seen) <= 2 * 1999 + 40, len(seen)
        assert len(audit_log(db)) == 1999
    finally:
        sim.server.stop()


def test_an_oversized_form_is_refused_unread_and_a_learners_before_its_size(web, sim, db):
    from coaching.routes.roster import MAX_FORM_BYTES

    ada = Staff(web, sim, db, "ada")
    package = package_of(db, ada)
    csrf = ada.csrf()
    asked = sim.course.requests["memberships"]
    body = f"csrf_token={csrf}&package={package.id}&" + "member=1&" * (MAX_FORM_BYTES // 9 + 1)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    before = snapshot(db)
    answer = web.post(ada.path, params={"kt": ada.token}, content=body, headers=headers)
    assert answer.status_code == 413
    lena = Staff(web, sim, db, "lena")
    answer = web.post(lena.path, params={"kt": lena.token}, content=body, headers=headers)
    assert answer.status_code == 403
    assert snapshot(db) == before and sim.course.requests["memberships"] == asked
