# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The coaching pages speak a language added only as a catalog (the pseudo-locale): every
text on them comes from the catalog, apart from data (names of packages and people,
addresses, dates, the CSV example), with realistic content on each page: packages in
every state, grants of every kind, refusals, an audit log written from every source."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from coaching.common import Actor
from coaching.grants.changes import extend_grant, grant_package, revoke_grant
from coaching.grants.grantees import Grantee
from coaching.models import CoachingGrant, CoachingPackage
from coaching.packages import set_archived
from kurswerk.core import clock
from kurswerk.core.auth import Role
from kurswerk.devplatform.config import PEOPLE
from lti.models import LmsContext, PlatformUser
from tests.coaching.fixtures import *  # noqa: F403
from tests.coaching.fixtures import TODAY, Learner, get, make_package, post
from tests.coaching.test_import import upload
from tests.coaching.test_roster_pages import Staff, grant_fields
from tests.lti.advantage import Simulator, simulator_fixture
from tests.support.pseudo_locale import (  # noqa: F401
    PSEUDO,
    pseudo,
    pseudo_catalogs,
    unwrapped_text,
)

COURSE = "Social-Media-Strategie"
PACKAGES = ("Coaching Basis", "Coaching Plus", "Coaching Alt")
PEOPLE_HERE = {
    "Ada Admin": None,
    "Lena Lernt": "lena@example.org",
    "Tom Tutor": "tom@example.org",
}
PENDING_EMAIL = "mia@example.org"
CLI_USER = "kurswerk-ops"


@dataclass
class Course:
    """A course in the pseudo-locale with everything the coaching pages can show."""

    admin: Learner
    lena: Learner
    grant: CoachingGrant  # Lena's, extended once
    base: str
    subs: tuple[str, ...]  # the people's LMS user ids


def _days() -> tuple[str, ...]:
    """The days the pages may show (validities, the audit log's moments), as the pseudo-
    locale writes them (Babel's English: letters in the month's name)."""
    return tuple(clock.date_text(TODAY + timedelta(days=n), PSEUDO) for n in range(-1, 400))


def _data(*more: str) -> tuple[str, ...]:
    """Values shown as they stand: names, addresses, the course title, days, the command
    line's user."""
    names = (*PACKAGES, *PEOPLE_HERE, COURSE)
    emails = (*(e for e in PEOPLE_HERE.values() if e), PENDING_EMAIL)
    return (*names, *emails, *_days(), CLI_USER, *more)


def _speaks(page, locale: str, *data: str) -> None:
    assert f'<html lang="{locale}">' in page.text
    assert unwrapped_text(page.text, _data(*data)) == []


@pytest.fixture
def course(db: Session, make_learner, pseudo_catalogs) -> Course:
    admin = make_learner(role=Role.ADMIN, name="Ada Admin", locale=pseudo_catalogs)
    lms_course = db.get(LmsContext, admin.context_id)
    assert lms_course is not None and lms_course.id is not None
    lms_course.title = COURSE
    db.add(lms_course)
    platform_id = lms_course.platform_id
    lena = make_learner(
        context=lms_course, name="Lena Lernt", email="lena@example.org", locale=pseudo_catalogs
    )
    tom = make_learner(
        context=lms_course, name="Tom Tutor", email="tom@example.org", role=Role.TUTOR
    )
    basis = make_package(
        db,
        platform_id,
        name="Coaching Basis",
        description="Coaching Basis",
        feedback_quota=3,
        office_hours_per_month=1,
        valid_until=TODAY + timedelta(days=365),
    )
    plus = make_package(db, platform_id, name="Coaching Plus", feedback_quota=None)
    old = make_package(db, platform_id, name="Coaching Alt", feedback_quota=1)
    cli, demo = Actor(None, f"cli:{CLI_USER}"), Actor.system("demo")
    web = Actor.admin(admin.principal)
    set_archived(db, web, old, True)
    grant = grant_package(
        db,
        web,
        course=lms_course,
        package=basis,
        grantee=Grantee(user_id=lena.principal.user_id, email=None, name="Lena Lernt"),
        valid_from=TODAY,
        valid_until=TODAY + timedelta(days=30),
    )
    extend_grant(db, cli, grant, TODAY + timedelta(days=60), source="cli")
    pending = grant_package(
        db,
        demo,
        course=lms_course,
        package=plus,
        grantee=Grantee(user_id=None, email=PENDING_EMAIL),
        source="demo",
    )
    nameless = Actor(admin.principal.user_id, f"user {admin.principal.user_id}")  # no name
    revoke_grant(db, nameless, pending)
    grant_package(
        db,
        web,
        course=lms_course,
        package=plus,
        grantee=Grantee(user_id=None, email=PENDING_EMAIL),
        valid_from=TODAY + timedelta(days=7),
        source="csv",
    )
    db.commit()
    subs = tuple(
        user.sub
        for person in (admin, lena, tom)
        if (user := db.get(PlatformUser, person.principal.user_id)) is not None
    )
    return Course(admin, lena, grant, f"/c/{lms_course.id}/admin/coaching", subs)


def _package(db: Session, name: str) -> CoachingPackage:
    return db.exec(select(CoachingPackage).where(CoachingPackage.name == name)).one()


def test_the_package_list(client, course, pseudo_catalogs):
    page = get(client, course.admin, course.base)
    assert page.status_code == 200
    _speaks(page, pseudo_catalogs)


def test_the_package_forms_with_problems(client, db, course, pseudo_catalogs):
    new = get(client, course.admin, course.base + "/packages/new")
    assert new.status_code == 200
    _speaks(new, pseudo_catalogs)
    refused = post(
        client,
        course.admin,
        course.base + "/packages",
        {"name": "", "quota_kind": "limited", "feedback_quota": "-1", "valid_from": "gestern"},
    )
    assert refused.status_code == 400
    _speaks(refused, pseudo_catalogs, "gestern")
    basis = _package(db, "Coaching Basis")
    edit = get(client, course.admin, f"{course.base}/packages/{basis.id}?done=package_saved")
    assert edit.status_code == 200
    _speaks(edit, pseudo_catalogs)
    taken = post(
        client,
        course.admin,
        f"{course.base}/packages/{basis.id}",
        {"name": "Coaching Plus", "quota_kind": "unlimited", "office_hours_per_month": "1"},
    )
    assert taken.status_code in (400, 409)
    _speaks(taken, pseudo_catalogs)
    archived = get(
        client, course.admin, f"{course.base}/packages/{_package(db, 'Coaching Alt').id}"
    )
    _speaks(archived, pseudo_catalogs)


def test_the_grant_list_and_its_refused_forms(client, course, pseudo_catalogs):
    page = get(client, course.admin, course.base + "/grants?show=all&done=granted")
    assert page.status_code == 200
    _speaks(page, pseudo_catalogs)
    refused = post(
        client,
        course.admin,
        course.base + "/grants",
        {"by": "email", "email": "keine-adresse", "package": "", "valid_until": "31.02.2026"},
    )
    assert refused.status_code == 400
    _speaks(refused, pseudo_catalogs, "keine-adresse", "31.02.2026")
    imported = get(
        client,
        course.admin,
        course.base + "/grants?done=imported&granted=2&extended=1&unchanged=0",
    )
    _speaks(imported, pseudo_catalogs)


def test_one_grant_with_its_history_and_a_refused_end_date(client, course, pseudo_catalogs):
    path = f"{course.base}/grants/{course.grant.id}"
    page = get(client, course.admin, path + "?done=extended")
    assert page.status_code == 200
    _speaks(page, pseudo_catalogs, *course.subs)
    refused = post(client, course.admin, path + "/extend", {"valid_until": "morgen"})
    assert refused.status_code == 400
    _speaks(refused, pseudo_catalogs, "morgen", *course.subs)


def test_the_csv_import_form_and_a_preview_with_problems(client, course, pseudo_catalogs):
    form = get(client, course.admin, course.base + "/import")
    assert form.status_code == 200
    _speaks(form, pseudo_catalogs)
    unreadable = upload(client, course.admin, course.base, b"name;kurs\nLena;Basis\n")
    assert unreadable.status_code == 400
    _speaks(unreadable, pseudo_catalogs, "name, kurs")
    rows = (
        "email;package;valid_from;valid_until\n"
        "lena@example.org;Coaching Basis;;31.12.2099\n"
        "tom@example.org;Coaching Premium;;\n"
        "keine-adresse;Coaching Plus;morgen;\n"
        "tom@example.org;Coaching Plus;;\n"
    )
    preview = upload(client, course.admin, course.base, rows.encode(), name="vergaben.csv")
    assert preview.status_code == 400
    shown = ("vergaben.csv", "Coaching Premium", "keine-adresse", "morgen", "31 Dec 2099")
    _speaks(preview, pseudo_catalogs, *shown)


def test_the_audit_log(client, course, pseudo_catalogs):
    page = get(client, course.admin, course.base + "/audit")
    assert page.status_code == 200
    _speaks(page, pseudo_catalogs)


def test_the_learners_own_coaching(client, db, course, pseudo_catalogs):
    mine = get(client, course.lena, f"/c/{course.lena.context_id}/coaching")
    assert mine.status_code == 200
    _speaks(mine, pseudo_catalogs)
    revoke_grant(db, Actor.cli(), db.get(CoachingGrant, course.grant.id), source="cli")
    db.commit()
    offers = get(client, course.lena, f"/c/{course.lena.context_id}/coaching")
    assert "Coaching Plus" in offers.text  # the offers of someone without a package
    _speaks(offers, pseudo_catalogs)


# --- The roster, with the LMS simulator as the platform, launching in the pseudo-locale --


@pytest.fixture
def pseudo_sim(app, db: Session, pseudo_catalogs) -> Iterator[Simulator]:
    yield from simulator_fixture(app, db, register=True, locale=pseudo_catalogs)


def _roster_data(sim: Simulator) -> tuple[str, ...]:
    people = [value for p in PEOPLE for value in (p.name, p.email)]
    return (*people, sim.config.course.title, sim.config.course.label)


def test_the_roster_for_admins_and_tutors(client, db, pseudo_sim, pseudo_catalogs):
    client.follow_redirects = False
    ada = Staff(client, pseudo_sim, db, "ada")
    package = make_package(db, ada.platform_id, name="Coaching Basis", feedback_quota=3)
    make_package(db, ada.platform_id, name="Coaching Plus", feedback_quota=None)
    assert ada.post(grant_fields(package, ada.ids(db, "lena"))).status_code == 303
    page = ada.get(done="roster_granted", granted="1", already_held="0")
    assert page.status_code == 200
    lenas_feedback = pseudo("%(used)s genutzt, %(remaining)s übrig") % {"used": 0, "remaining": 3}
    assert lenas_feedback in page.text
    _speaks(page, pseudo_catalogs, *_roster_data(pseudo_sim))
    refused = ada.post([("package", "")])
    assert refused.status_code == 400
    _speaks(refused, pseudo_catalogs, *_roster_data(pseudo_sim))
    tom = Staff(client, pseudo_sim, db, "tom")
    _speaks(tom.get(show="without"), pseudo_catalogs, *_roster_data(pseudo_sim))
