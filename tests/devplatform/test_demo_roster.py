"""In the demo (``make demo``), Ada grants the demo package from the simulator's roster:
Carla holds it already (by email, before her first launch), Lena gets it and then sees
the upload form."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session, select

from coaching.models import CoachingGrant, CoachingPackage
from kurswerk.devplatform.config import COACHING_PERSON
from kurswerk.devplatform.demo_seed import DEMO_PACKAGE_NAME
from tests.course.html_tools import parse
from tests.devplatform.test_demo_coaching import prepared, upload_forms_seen_by
from tests.lti.advantage import Simulator, landing, launch

__all__ = ["prepared"]  # the fixture: the demo prepared for a live simulator


def test_ada_grants_the_demo_package_from_the_roster(prepared: Simulator, client, db: Session):
    client.follow_redirects = False
    path, token = landing(launch(client, prepared, "ada"))
    roster_path = f"/c/{path.split('/')[2]}/coaching/roster"
    page = client.get(roster_path, params={"kt": token})
    assert page.status_code == 200, page.text[:500]
    root = parse(page.text)
    rows = {r.find("th").clean_text: r for r in root.find("tbody").find_all("tr")}
    assert set(rows) == {person.name for person in prepared.config.people}
    carla = prepared.config.person(COACHING_PERSON)
    assert carla is not None
    assert DEMO_PACKAGE_NAME in rows[carla.name].clean_text  # her grant by email
    ticked = {
        name: "checked" in row.find("input", name="member").attrs for name, row in rows.items()
    }
    assert [name for name, on in ticked.items() if on] == ["Lena Lernende"]

    package = db.exec(select(CoachingPackage)).one()
    learners = [person.name for person in prepared.config.people if person.learns]
    selected = [rows[name].find("input", name="member").attrs["value"] for name in learners]
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = client.post(
        roster_path,
        params={"kt": token},
        data={"csrf_token": csrf, "package": str(package.id), "member": selected},
    )
    assert answer.status_code == 303, answer.text[:500]
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert (query["granted"], query["already_held"]) == (["1"], ["1"])
    assert len(db.exec(select(CoachingGrant)).all()) == 2  # Carla's, and Lena's new one

    assert upload_forms_seen_by(client, prepared, "lena") == 1
    assert upload_forms_seen_by(client, prepared, COACHING_PERSON) == 1
