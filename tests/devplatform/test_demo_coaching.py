"""The demo's fourth person: Carla holds the demo coaching package, granted by email when
the demo prepares (through coaching administration, so the audit log names the demo as
the actor) and resolved at her first launch; Lena holds none. Every start prepares again
and changes nothing: no second package, grant or audit entry, and an admin's revocation
stays."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from coaching import service as coaching_service
from coaching.models import CoachingAuditEntry, CoachingGrant, CoachingPackage
from coaching.packages import set_archived
from course import lesson_page as course_lesson_page
from kurswerk.devplatform import demo
from kurswerk.devplatform.config import COACHING_PERSON
from kurswerk.devplatform.demo_seed import DEMO_PACKAGE_NAME
from tests.course.html_tools import parse
from tests.lti.advantage import Simulator, landing, launch, start_simulator

EXERCISE_PAGE = "/lessons/kundenbeziehungen/exercises/leistungen-pruefen?industry=media"


@pytest.fixture
def prepared(app: FastAPI, settings, engine) -> Iterator[Simulator]:
    """A live simulator, and the demo's preparation run for it (twice: it is idempotent)."""
    sim = start_simulator(app)
    try:
        course_lesson_page.clear_cache()
        demo.prepare(settings, sim.config, demo.content_dir())
        demo.prepare(settings, sim.config, demo.content_dir())
        yield sim
    finally:
        sim.server.stop()
        course_lesson_page.clear_cache()


def upload_forms_seen_by(client, sim: Simulator, person: str) -> int:
    path, token = landing(launch(client, sim, person))
    context = path.split("/")[2]
    page = client.get(f"/c/{context}{EXERCISE_PAGE}&kt={token}")
    assert page.status_code == 200, page.text[:500]
    return len(list(parse(page.text).find_all("form", cls="submission-form")))


def test_the_demo_grants_one_package_to_the_coaching_learner_by_email(prepared, db: Session):
    carla = prepared.config.person(COACHING_PERSON)
    assert carla is not None and carla.learns
    packages = db.exec(select(CoachingPackage)).all()
    assert [p.name for p in packages] == [DEMO_PACKAGE_NAME]
    assert packages[0].feedback_quota == 3
    grants = db.exec(select(CoachingGrant)).all()
    assert [(g.email, g.user_id) for g in grants] == [(carla.email, None)]


def test_after_her_launch_carla_sees_the_upload_form_and_lena_does_not(
    prepared, client, db: Session
):
    client.follow_redirects = False
    assert upload_forms_seen_by(client, prepared, COACHING_PERSON) == 1
    assert upload_forms_seen_by(client, prepared, "lena") == 0
    db.expire_all()
    grant = db.exec(select(CoachingGrant)).one()
    assert grant.user_id is not None  # resolved to Carla's user at her first launch


def rows(
    db: Session,
) -> tuple[list[CoachingPackage], list[CoachingGrant], list[CoachingAuditEntry]]:
    db.expire_all()
    return (
        list(db.exec(select(CoachingPackage)).all()),
        list(db.exec(select(CoachingGrant)).all()),
        list(db.exec(select(CoachingAuditEntry).order_by(col(CoachingAuditEntry.id))).all()),
    )


def test_the_demo_package_and_grant_are_in_the_audit_log_by_the_demo(prepared, db: Session):
    carla = prepared.config.person(COACHING_PERSON)
    assert carla is not None
    [package], [grant], entries = rows(db)
    assert [e.action for e in entries] == ["package_created", "granted"]
    for entry in entries:
        assert (entry.actor_user_id, entry.actor_label) == (None, "system:demo")
        assert entry.detail["source"] == "demo"
        assert entry.platform_id == package.platform_id
        assert entry.package_id == package.id
    created, granted = entries
    assert created.detail["after"]["name"] == DEMO_PACKAGE_NAME
    assert created.detail["after"]["feedback_quota"] == 3
    assert granted.grant_id == grant.id
    assert granted.detail["subject"]["person"]["email"] == carla.email
    assert (
        granted.detail["subject"]["course"]["lms_context_id"] == prepared.config.course.context_id
    )
    assert granted.detail["before"] is None


def test_a_start_after_her_launch_changes_nothing_and_logs_nothing(
    prepared, client, settings, db: Session
):
    client.follow_redirects = False
    assert upload_forms_seen_by(client, prepared, COACHING_PERSON) == 1  # binds the grant
    before = rows(db)
    assert before[1][0].user_id is not None

    demo.prepare(settings, prepared.config, demo.content_dir())

    after = rows(db)
    assert [p.model_dump() for p in after[0]] == [p.model_dump() for p in before[0]]
    assert [g.model_dump() for g in after[1]] == [g.model_dump() for g in before[1]]
    assert [e.id for e in after[2]] == [e.id for e in before[2]]


def test_a_start_does_not_undo_an_admins_revocation(prepared, client, settings, db: Session):
    [_], [grant], _ = rows(db)
    assert coaching_service.revoke_grant(db, coaching_service.Actor.system("test"), grant)
    db.commit()

    demo.prepare(settings, prepared.config, demo.content_dir())

    _, grants, entries = rows(db)
    assert [(g.id, g.revoked_at is not None) for g in grants] == [(grant.id, True)]
    assert [e.action for e in entries] == ["package_created", "granted", "revoked"]
    client.follow_redirects = False
    assert upload_forms_seen_by(client, prepared, COACHING_PERSON) == 0


def test_the_admin_sees_the_demo_grant_in_the_audit_log_page(prepared, client):
    client.follow_redirects = False
    path, token = landing(launch(client, prepared, "ada"))
    context = path.split("/")[2]
    page = client.get(f"/c/{context}/admin/coaching/audit?kt={token}")
    assert page.status_code == 200, page.text[:500]
    cells = [row.clean_text for row in parse(page.text).find_all("tr")]
    granted = [
        c for c in cells if "Kurswerk (Demo-Daten)" in c and "carla.coaching@example.org" in c
    ]
    assert len(granted) == 1, cells
    assert "Demo" in granted[0] and DEMO_PACKAGE_NAME in granted[0]


def test_a_start_that_cannot_grant_the_archived_package_says_why(prepared, settings, db):
    [package], _, _ = rows(db)
    assert set_archived(db, coaching_service.Actor.system("test"), package, True)
    db.commit()
    people = tuple(
        replace(p, email="carla.neu@example.org") if p.key == COACHING_PERSON else p
        for p in prepared.config.people
    )

    with pytest.raises(demo.DemoRefused, match="carla.neu@example.org: The package is archived"):
        demo.prepare(settings, replace(prepared.config, people=people), demo.content_dir())

    _, grants, entries = rows(db)
    assert [g.email for g in grants] == ["carla.coaching@example.org"]
    assert [e.action for e in entries] == ["package_created", "granted", "package_archived"]
