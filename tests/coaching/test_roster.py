"""Granting coaching packages from the LMS roster, as a service (no HTTP, no LMS): the
overview's statuses, the form's checks, bulk grants with their audit entries, what is
skipped, what is refused with nothing written, a double submit, two at once, and the
number of statements a 2,000-member roster costs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from coaching.common import Actor, CoachingRefused
from coaching.entitlements import coaching_status
from coaching.grants.changes import grant_package
from coaching.grants.grantees import Grantee
from coaching.models import CoachingGrant, CoachingPackage
from coaching.roster import (
    RosterEntry,
    RosterGrantRequest,
    Show,
    grant_from_roster,
    parse_roster_grant,
    roster_overview,
)
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from kurswerk.core.db import new_session
from lti import service as lti_service
from lti.models import LmsContext, PlatformUser
from lti.nrps import member_of
from tests.coaching.fixtures import *  # noqa: F403
from tests.coaching.fixtures import (
    TODAY,
    Site,
    audit_log,
    count,
    make_package,
    snapshot,
    user_of,
)
from tests.support.overlap import overlapping_writes, run_at_once
from tests.support.statements import reads, statements
from tests.uploads.submission_fixtures import (
    course_loaded,  # noqa: F401
    exercise_id,
)
from uploads.models import Submission

INSTRUCTOR_URI = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def person(sub: str, name: str, email: str = "", roles=("Learner",), status="Active"):
    return {"user_id": sub, "name": name, "email": email, "roles": list(roles), "status": status}


def roster_of(*people: dict[str, Any]) -> lti_service.Roster:
    members = [member_of(p) for p in people]
    return lti_service.Roster(
        context_title="Social-Media-Strategie",
        members=[m for m in members if m is not None],
        pages=1,
    )


@pytest.fixture
def roster(db: Session, site: Site) -> lti_service.Roster:
    """The admin (launched), two learners (one without email), a tutor by URI role."""
    admin = user_of(db, site.admin)
    return roster_of(
        person(admin.sub, "Ada Admin", "ada@example.org", roles=("Instructor",)),
        person("s-lena", "Lena Lernt", "Lena@Example.org"),
        person("s-noel", "Noel Ohnemail"),
        person("s-tina", "Tina Tutor", "tina@example.org", roles=(INSTRUCTOR_URI,)),
        person("s-ina", "Ina Inaktiv", "ina@example.org", status="Inactive"),
    )


@pytest.fixture
def basis(db: Session, site: Site) -> CoachingPackage:
    return make_package(
        db,
        site.platform.id,
        name="Coaching Basis",
        feedback_quota=3,
        valid_until=TODAY + timedelta(days=365),
    )


def overview(db: Session, site: Site, roster: lti_service.Roster):
    result = roster_overview(db, site.course, roster)
    db.commit()
    return {entry.sub: entry for entry in result.entries}, result


def ids(db: Session, site: Site, roster: lti_service.Roster, *subs: str) -> list[str]:
    by_sub, _ = overview(db, site, roster)
    return [str(by_sub[sub].user_id) for sub in subs]


def wanted(db: Session, site: Site, package: CoachingPackage | None, members, until: str = ""):
    return parse_roster_grant(
        db,
        site.course,
        package=str(package.id) if package else "",
        members=members,
        valid_until=until,
        locale="de",
    )


def admin_actor(site: Site) -> Actor:
    return Actor.admin(site.admin.principal)


# --- The overview ----------------------------------------------------------------------


def test_every_member_becomes_a_user_with_role_launch_and_no_package(db, site, roster):
    by_sub, result = overview(db, site, roster)
    assert result.title == "Social-Media-Strategie"
    assert [e.name for e in result.entries] == [
        "Ada Admin",
        "Ina Inaktiv",
        "Lena Lernt",
        "Noel Ohnemail",
        "Tina Tutor",
    ]
    admin = user_of(db, site.admin)
    assert by_sub[admin.sub].user_id == admin.id  # the launched user, not a second one
    assert by_sub[admin.sub].launched and not by_sub["s-lena"].launched
    assert by_sub["s-noel"].email == "" and db.get(PlatformUser, by_sub["s-noel"].user_id)
    assert by_sub["s-tina"].role is Role.TUTOR and by_sub["s-tina"].lms_roles == ("Instructor",)
    assert by_sub["s-lena"].role is Role.LEARNER and by_sub["s-lena"].lms_roles == ("Learner",)
    assert all(e.coaching is None for e in result.entries)
    # preselected: active learners without a package
    assert {e.sub for e in result.entries if e.suggested} == {"s-lena", "s-noel"}
    assert {e.sub for e in result.shown(Show.LEARNERS)} == {"s-lena", "s-noel", "s-ina"}


def test_the_status_shows_user_and_email_grants_and_ignores_ended_ones(
    db,
    site,
    roster,
    basis,
    course_loaded,  # noqa: F811 - the fixture
):
    by_sub, _ = overview(db, site, roster)
    plus = make_package(db, site.platform.id, name="Coaching Plus", feedback_quota=None)
    old = make_package(db, site.platform.id, name="Alt", feedback_quota=9)
    actor = admin_actor(site)
    lena = by_sub["s-lena"]
    grant_package(
        db,
        actor,
        course=site.course,
        package=basis,
        valid_until=TODAY + timedelta(days=30),
        grantee=Grantee(user_id=lena.user_id, email=None),
    )
    db.add(
        Submission(
            context_id=site.course.id,
            user_id=lena.user_id,
            exercise_id=exercise_id(db),
            industry="media",
        )
    )
    # Tina: by email, before her first launch (the address as the roster says it)
    grant_package(
        db,
        actor,
        course=site.course,
        package=plus,
        grantee=Grantee(user_id=None, email="tina@example.org"),
    )
    # Noel: a grant that has ended
    noel = Grantee(user_id=by_sub["s-noel"].user_id, email=None)
    ended = grant_package(db, actor, course=site.course, package=old, grantee=noel)
    ended.valid_until = TODAY - timedelta(days=1)
    db.add(ended)
    db.commit()

    by_sub, _ = overview(db, site, roster)
    status = by_sub["s-lena"].coaching
    assert status is not None and status.package_name == "Coaching Basis"
    assert (status.used, status.remaining, status.feedback_quota) == (1, 2, 3)
    assert status.valid_until == TODAY + timedelta(days=30)  # the grant ends before the package
    tina = by_sub["s-tina"].coaching
    assert tina is not None and tina.package_name == "Coaching Plus" and tina.remaining is None
    assert by_sub["s-tina"].held_package_ids == {plus.id}
    assert by_sub["s-noel"].coaching is None and by_sub["s-noel"].held_package_ids == set()
    assert not by_sub["s-lena"].suggested and by_sub["s-noel"].suggested


def crowd(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [person(f"s-{i}", f"Person {i:05d}", f"p{i}@example.org") for i in range(start, n)]


def test_the_status_of_a_roster_costs_the_same_statements_for_10_or_450_members(
    db, site, engine, basis
):
    grant_package(
        db,
        admin_actor(site),
        course=site.course,
        package=basis,
        grantee=Grantee(user_id=None, email="p3@example.org"),
    )
    db.commit()
    costs = []
    for size in (10, 450):
        with statements(engine) as seen:
            result = roster_overview(db, site.course, roster_of(*crowd(size)))
        db.commit()
        costs.append(len(seen))
        assert len(result.entries) == size
        assert sum(1 for e in result.entries if e.coaching) == 1
    assert costs[0] == costs[1] < 12, costs


# --- The form's checks -----------------------------------------------------------------


def test_the_form_names_every_problem_at_once(db, site, other_site):
    foreign = make_package(db, other_site.platform.id, name="Fremd")
    with pytest.raises(CoachingRefused) as refused:
        wanted(db, site, foreign, [], until="morgen")
    assert {(p.field, p.text("de")) for p in refused.value.problems} == {
        ("package", "Dieses Paket gibt es nicht."),
        ("members", "Bitte kreuzen Sie mindestens eine Person an."),
        (
            "valid_until",
            ("Das ist kein gültiges Datum. Bitte im Format TT.MM.JJJJ, zum Beispiel 31.12.2026."),
        ),
    }
    with pytest.raises(CoachingRefused) as refused:
        wanted(db, site, None, ["12", "x1", "9" * 13])
    assert {(p.field, p.text("de")) for p in refused.value.problems} == {
        ("package", "Bitte wählen Sie ein Paket."),
        (
            "members",
            "2 der ausgewählten Personen stehen nicht (mehr) in der Teilnehmendenliste dieses "
            "Kurses. Es wurde nichts vergeben; bitte prüfen Sie die Auswahl.",
        ),
    }


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"archived_at": utcnow()}, "Das Paket ist archiviert und kann nicht vergeben werden."),
        (
            {"valid_until": TODAY - timedelta(days=1)},
            "Das Paket ist abgelaufen und kann nicht vergeben werden.",
        ),
    ],
    ids=["archived", "expired"],
)
def test_an_archived_or_expired_package_is_refused(db, site, fields, key):
    package = make_package(db, site.platform.id, name="Zu", **fields)
    with pytest.raises(CoachingRefused) as refused:
        wanted(db, site, package, ["1"])
    assert [p.message for p in refused.value.problems] == [key]


def test_a_valid_until_in_the_past_is_refused(db, site, basis):
    with pytest.raises(CoachingRefused) as refused:
        wanted(db, site, basis, ["1"], until=(TODAY - timedelta(days=1)).isoformat())
    assert [p.message for p in refused.value.problems] == [
        ("Das Enddatum liegt in der Vergangenheit. Um eine Vergabe zu beenden, widerrufen Sie sie.")
    ]


# --- Granting --------------------------------------------------------------------------


def test_a_bulk_grant_gives_each_selected_member_a_user_grant_with_its_audit_entry(
    db, site, roster, basis
):
    lena, noel = ids(db, site, roster, "s-lena", "s-noel")
    until = (TODAY + timedelta(days=60)).isoformat()
    result = grant_from_roster(
        db, admin_actor(site), site.course, roster, wanted(db, site, basis, [lena, noel], until)
    )
    db.commit()
    assert (result.granted, result.already_held) == (2, 0)
    grants = db.exec(select(CoachingGrant).order_by(CoachingGrant.id)).all()
    assert [(g.user_id, g.email, g.valid_until) for g in grants] == [
        (int(lena), None, TODAY + timedelta(days=60)),
        (int(noel), None, TODAY + timedelta(days=60)),  # no email: still a user grant
    ]
    entries = audit_log(db)
    assert [(e.action, e.actor_label, e.actor_user_id, e.grant_id) for e in entries] == [
        ("granted", "Ada Admin", site.admin.principal.user_id, grants[0].id),
        ("granted", "Ada Admin", site.admin.principal.user_id, grants[1].id),
    ]
    assert entries[1].detail["source"] == "roster"
    assert entries[1].detail["subject"]["person"]["name"] == "Noel Ohnemail"
    assert entries[1].detail["subject"]["package"] == {"id": basis.id, "name": "Coaching Basis"}
    # Noel has never launched; the grant is his as soon as he does
    assert coaching_status(db, user_id=int(noel), context_id=site.course.id).active


def test_who_already_holds_the_package_by_user_or_by_email_is_skipped(db, site, roster, basis):
    lena, tina, noel = ids(db, site, roster, "s-lena", "s-tina", "s-noel")
    actor = admin_actor(site)
    grant_package(
        db, actor, course=site.course, package=basis, grantee=Grantee(user_id=int(lena), email=None)
    )
    grant_package(
        db,
        actor,
        course=site.course,
        package=basis,
        grantee=Grantee(user_id=None, email="tina@example.org"),
    )
    db.commit()
    before = snapshot(db)
    result = grant_from_roster(
        db, actor, site.course, roster, wanted(db, site, basis, [lena, tina, noel])
    )
    db.commit()
    assert (result.granted, result.already_held) == (1, 2)
    assert snapshot(db) == (before[0], before[1] + 1, before[2] + 1)


def test_a_double_submit_grants_nothing_the_second_time(db, site, roster, basis):
    selection = ids(db, site, roster, "s-lena", "s-noel")
    request = wanted(db, site, basis, selection)
    grant_from_roster(db, admin_actor(site), site.course, roster, request)
    db.commit()
    after_first = snapshot(db)
    again = grant_from_roster(db, admin_actor(site), site.course, roster, request)
    db.commit()
    assert (again.granted, again.already_held) == (0, 2)
    assert snapshot(db) == after_first


def test_ids_outside_this_courses_roster_refuse_everything(
    db, site, other_site, roster, basis, make_learner
):
    lena = ids(db, site, roster, "s-lena")[0]
    stranger = make_learner(context=other_site.course)  # another platform
    # a user of this platform who is not on this course's roster
    neighbour = PlatformUser(platform_id=site.platform.id, sub="s-elsewhere", name="Nachbar")
    db.add(neighbour)
    db.commit()
    before = snapshot(db)
    for outsider in (str(stranger.principal.user_id), str(neighbour.id), "999999"):
        request = wanted(db, site, basis, [lena, outsider])
        with pytest.raises(CoachingRefused) as refused:
            grant_from_roster(db, admin_actor(site), site.course, roster, request)
        db.rollback()
        assert [(p.text("de"), p.text("en")) for p in refused.value.problems] == [
            (
                "1 der ausgewählten Personen steht nicht (mehr) in der Teilnehmendenliste "
                "dieses Kurses. Es wurde nichts vergeben; bitte prüfen Sie die Auswahl.",
                "1 of the selected people is not (or no longer) on this course's roster. "
                "Nothing was granted; please check the selection.",
            )
        ]
    assert snapshot(db) == before


def test_a_package_of_another_platform_is_refused_past_the_form_too(db, site, other_site, roster):
    foreign = make_package(db, other_site.platform.id, name="Fremd")
    lena = ids(db, site, roster, "s-lena")[0]
    before = snapshot(db)
    request = RosterGrantRequest(package=foreign, user_ids=(int(lena),), valid_until=None)
    with pytest.raises(CoachingRefused) as refused:
        grant_from_roster(db, admin_actor(site), site.course, roster, request)
    db.rollback()
    assert [p.message for p in refused.value.problems] == ["Dieses Paket gibt es nicht."]
    assert snapshot(db) == before


def test_two_bulk_grants_at_once_grant_each_person_once(db, engine, site, roster, basis):
    """Two admins grant the same two people at the same moment; the first has written
    its grants but not committed when the second starts to write. The second waits at
    the course's grant lock (``coaching_grants.lock_course_grants``, which
    ``grant_from_roster`` takes before it reads) and then finds the grants: without the
    lock it would read before the first commits and grant both again. (On SQLite the
    upsert of the roster's members, written before the grants are read, takes the write
    lock early and holds the second as well; the grant lock holds it by design.)"""
    selection = ids(db, site, roster, "s-lena", "s-noel")

    def bulk_grant() -> tuple[int, int]:
        with new_session(engine) as session:
            course = session.get(LmsContext, site.course.id)
            package = session.get(CoachingPackage, basis.id)
            assert course is not None and package is not None
            mine = parse_roster_grant(
                session,
                course,
                package=str(package.id),
                members=selection,
                valid_until="",
                locale="de",
            )
            result = grant_from_roster(session, admin_actor(site), course, roster, mine)
            session.commit()
            return result.granted, result.already_held

    with overlapping_writes("coaching_grant") as overlap:
        outcomes = run_at_once(bulk_grant, bulk_grant)
    assert overlap.paused and not overlap.timed_out
    assert sorted(outcomes, key=str) == [(0, 2), (2, 0)]
    assert count(db, CoachingGrant) == 2


def test_granting_2000_members_reads_a_fixed_number_of_times(db, engine, site, basis):
    """Writes: a grant and an audit entry per person at most (PostgreSQL batches them
    into a few statements; SQLite inserts row by row in-process). Reads: no query per
    member."""
    roster = roster_of(*crowd(2000))
    entries, _ = overview(db, site, roster)
    request = wanted(db, site, basis, [str(e.user_id) for e in entries.values()])
    with statements(engine) as seen:
        result = grant_from_roster(db, admin_actor(site), site.course, roster, request)
        db.commit()
    assert result.granted == 2000
    assert count(db, CoachingGrant) == 2000 and len(audit_log(db)) == 2000
    assert len(reads(seen)) <= 10, reads(seen)
    assert len(seen) <= 2 * 2000 + 20, len(seen)


def test_lms_roles_read_in_the_page_language_and_an_unknown_one_as_sent():
    entry = RosterEntry(
        user_id=1, sub="s1", name="Tom", email="", lms_roles=("Instructor", "Grader"),
        role=Role.TUTOR, lms_status="Active", launched=False, coaching=None,
        held_package_ids=frozenset(),
    )  # fmt: skip
    assert entry.lms_role_names("de") == ["Lehrende", "Grader"]
    assert entry.lms_role_names("en") == ["Instructor", "Grader"]
