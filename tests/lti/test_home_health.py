# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The LMS connection's health on the admins' course home (issue 15): this LMS course's
grades the LMS refused, those waiting for another try (and since when the oldest), those
queued - never another course's or platform's - with the way to the list; for admins
only; in German and English."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from kurswerk.core.auth import Role
from kurswerk.core.clock import course_timezone, utcnow
from tests.feedback.conftest import World, course, web, world  # noqa: F401 - fixtures
from tests.support.homes import card, figures, home_of, lms_call
from tests.support.people import make_learner  # noqa: F401 - fixture


def calls(db, world: World) -> None:
    here = (world.context.id, world.context.platform_id)
    lms_call(db, *here, status="failed", attempts=5, age=timedelta(days=3))
    lms_call(db, *here, status="failed", attempts=1, age=timedelta(days=1))
    lms_call(db, *here, status="pending", attempts=2, age=timedelta(days=6))
    lms_call(db, *here, status="pending", attempts=0, age=timedelta(minutes=1))
    lms_call(db, *here, status="sent", attempts=1, age=timedelta(days=9))
    other = world.other_learner.principal
    for _ in range(3):
        lms_call(db, other.context_id, other.platform_id, status="failed", attempts=5,
                 age=timedelta(days=30))  # fmt: skip


def test_an_admin_sees_refused_and_retrying_calls_of_this_course(web, db, world: World):
    calls(db, world)
    health = card(home_of(web, world.admin), "kw-lms-health-title")
    assert health is not None
    assert figures(health) == [
        "2 ⚠ Bewertungen vom LMS abgelehnt",
        "1 Bewertung wartet auf einen neuen Versuch",
    ]
    oldest = (utcnow() - timedelta(days=6)).astimezone(course_timezone())
    assert f"stammt vom {oldest:%d.%m.%Y}" in health.clean_text  # the retrying one
    assert "1 weitere wartet auf den ersten Versuch" in health.clean_text
    assert health.find("li", cls="dash-card--alert")
    [link] = [a for a in health.find_all("a")]
    assert urlsplit(link.attrs["href"] or "").path == f"/c/{world.context.id}/lti/lms-calls"


def test_a_healthy_connection_says_so(web, db, world: World):
    here = (world.context.id, world.context.platform_id)
    lms_call(db, *here, status="pending", attempts=0, age=timedelta(minutes=1))
    health = card(home_of(web, world.admin), "kw-lms-health-title")
    assert figures(health) == [
        "0 Bewertungen vom LMS abgelehnt",
        "0 Bewertungen warten auf einen neuen Versuch",
    ]
    assert "1 weitere wartet auf den ersten Versuch" in health.clean_text
    assert "sind beim LMS angekommen oder unterwegs" in health.clean_text
    assert next(health.find_all("li", cls="dash-card--alert"), None) is None


def test_tutors_and_learners_see_no_health(web, db, world: World):
    calls(db, world)
    for person in (world.tutor, world.learner):
        assert card(home_of(web, person), "kw-lms-health-title") is None


def test_in_english_the_health_is_english(web, db, world: World, make_learner):
    calls(db, world)
    admin = make_learner(context=world.context, role=Role.ADMIN, locale="en")
    health = card(home_of(web, admin), "kw-lms-health-title")
    assert figures(health) == [
        "2 ⚠ grades refused by the LMS",
        "1 grade waiting for another try",
    ]
