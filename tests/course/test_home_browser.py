# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The course homes in a real Chromium (issue 15): the learner's "Weiterlesen" lands on the
heading they reached, and the lesson page's script reports the heading a reader scrolls
to; each role's home is WCAG 2.1 AA clean (axe-core, under the app's own CSP) and fits
375 px and 1280 px without sideways scrolling, in German and English. Screenshots of each
home go to ``var/screenshots/homes/`` for a look by eye (not compared)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser
from sqlmodel import Session, select

from course.models import Lesson
from course.progress.models import ReadingPosition
from kurswerk.core.auth import Role
from tests.course.test_browser import CHROMIUM_ARGS, browser, live  # noqa: F401 - fixtures
from tests.e2e.axe import axe_violations, describe
from tests.feedback.conftest import (  # noqa: F401 - fixtures
    World,
    course,
    make_submission,
    storage,
    world,
)
from tests.support.homes import book, grant, lms_call, promise
from tests.support.people import Learner, MakeLearner, make_learner  # noqa: F401 - fixture
from uploads.models import SubmissionStatus

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "homes"
LESSON = "kundenbeziehungen"


def sections(db: Session) -> list[str]:
    lesson = db.exec(select(Lesson).where(Lesson.slug == LESSON)).one()
    return [entry["id"] for entry in lesson.toc]


def position(db: Session, person: Learner) -> str | None:
    db.expire_all()
    row = db.exec(
        select(ReadingPosition).where(ReadingPosition.user_id == person.principal.user_id)
    ).first()
    return row.section if row else None


def busy_course(db: Session, world: World, make_submission, people: list[Learner]) -> None:
    """A course with something on every card: packages, an office hour booked, submissions
    with promised dates, a refused and a retrying LMS call, an overdue submission."""
    for person in people:
        given = grant(
            db, person, quota=3, hours=2, name=f"Coaching Plus {person.principal.user_id}"
        )
        book(db, person, world.tutor, given, starts_in=timedelta(days=3))
        promise(db, make_submission(person))
        make_submission(
            person, industry="b2b", status=SubmissionStatus.FEEDBACK_RELEASED,
            submitted_at=None,
        )  # fmt: skip
    make_submission(world.learner2, industry="fmcg", submitted_at=None)
    here = (world.context.id, world.context.platform_id)
    lms_call(db, *here, status="failed", attempts=5, age=timedelta(days=2))
    lms_call(db, *here, status="pending", attempts=1, age=timedelta(hours=5))


def test_weiterlesen_lands_on_the_heading_the_script_reported(
    live: str, browser: Browser, db, world: World
):
    learner = world.learner
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live + learner.url(f"/c/{learner.context_id}/lessons/{LESSON}"))
    target = sections(db)[2]
    with page.expect_request(lambda r: urlsplit(r.url).path.endswith("/position")) as sent:
        page.evaluate(f"document.getElementById('{target}').scrollIntoView()")
    assert sent.value.method == "POST"
    sent.value.response()  # answered (204)
    assert position(db, learner) == target

    page.goto(live + learner.url(f"/c/{learner.context_id}/"))
    page.locator("#kw-continue").click()
    page.wait_for_load_state("load")
    landed = urlsplit(page.url)
    assert (landed.path, landed.fragment) == (f"/c/{learner.context_id}/lessons/{LESSON}", target)
    top = page.evaluate(f"document.getElementById('{target}').getBoundingClientRect().top")
    assert -2 <= top < 900  # at the top of the window (subpixels aside)
    context.close()


@pytest.mark.parametrize("locale", ["de", "en"])
def test_each_roles_home_is_accessible_and_fits_375_and_1280(
    live: str, browser: Browser, db, world: World, make_submission, make_learner, locale
):
    def person(name: str, role: Role = Role.LEARNER) -> Learner:
        return make_learner(context=world.context, role=role, locale=locale, name=name)

    people = {
        "learner": person("Lena Lernende"),
        "tutor": person("Tilda Tutorin", Role.TUTOR),
        "admin": person("Ada Admin", Role.ADMIN),
    }
    busy_course(db, world, make_submission, [people["learner"]])
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # the learner has read into the lesson
    page.goto(live + people["learner"].url(f"/c/{world.context.id}/lessons/{LESSON}"))
    for role, person in people.items():
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(live + person.url(f"/c/{world.context.id}/"))
            assert response is not None and response.ok
            assert page.locator(".dash").count() == 1, role
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (role, width, overflow)
            page.screenshot(path=str(SHOTS / f"home-{role}-{locale}-{width}.png"), full_page=True)
            violations = axe_violations(page)
            assert violations == [], f"{role} {width}px:\n{describe(violations)}"
    context.close()
