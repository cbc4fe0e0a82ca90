"""The demo's fourth person: Carla holds the demo coaching package, granted by email when
the demo prepares and resolved at her first launch; Lena holds none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from course import service as course_service
from kurswerk.devplatform import demo
from kurswerk.devplatform.config import COACHING_PERSON
from tests.course.html_tools import parse
from tests.lti.advantage import Simulator, landing, launch, start_simulator
from uploads.demo_seed import DEMO_PACKAGE_NAME
from uploads.models import CoachingGrant, CoachingPackage

EXERCISE_PAGE = "/lessons/kundenbeziehungen/exercises/leistungen-pruefen?industry=media"


@pytest.fixture
def prepared(app: FastAPI, settings, engine) -> Iterator[Simulator]:
    """A live simulator, and the demo's preparation run for it (twice: it is idempotent)."""
    sim = start_simulator(app)
    try:
        course_service.clear_cache()
        demo.prepare(settings, sim.config, demo.content_dir())
        demo.prepare(settings, sim.config, demo.content_dir())
        yield sim
    finally:
        sim.server.stop()
        course_service.clear_cache()


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
