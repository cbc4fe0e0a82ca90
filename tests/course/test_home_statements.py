# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The course home reads with a query or two per panel, never one per row (issue 15): for
each role, the statements of the page are as many with a little data as with a lot."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kurswerk.core.clock import utcnow
from tests.feedback.conftest import (  # noqa: F401 - fixtures
    World,
    course,
    make_submission,
    storage,
    web,
    world,
)
from tests.support.homes import book, grant, home_of, lms_call, promise
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.support.statements import statements

INDUSTRIES = ("media", "b2b", "fmcg", "retail")


def page_statements(web, app, person) -> list[str]:
    with statements(app.state.engine) as seen:
        home_of(web, person)
    return [s for s in seen if "revoked_session" not in s]  # the session's own check


def add_work(db, world: World, make_submission, rounds: range) -> None:
    """Submissions with promised dates, grants, bookings and LMS calls, once a round."""
    for n in rounds:
        for person in (world.learner, world.learner2):
            submission = make_submission(
                person,
                industry=INDUSTRIES[n % 4],
                exercise=("leistungen-pruefen", "art-der-kundenbeziehung")[n // 4],
                submitted_at=utcnow() - timedelta(days=n),
            )
            promise(db, submission)
            given = grant(db, person, name=f"Paket {n} {person.principal.user_id}")
            book(db, person, world.tutor, given, starts_in=timedelta(days=n + 1))
        here = (world.context.id, world.context.platform_id)
        lms_call(db, *here, status="failed", attempts=3, age=timedelta(days=n))


# The page's statements per role: the course and its lessons (2); then each panel:
# learner - reading progress (1), package (grants + counter: 2), next office hour (1),
# submissions (+ promised dates: 2); tutor - the tutors' day (3); admin - the tutors'
# day (3), packages' use (grants + counter: 2), LMS health (1).
@pytest.mark.parametrize("role", ["learner", "tutor", "admin"])
def test_the_course_home_reads_as_much_with_little_as_with_a_lot(
    web, db, app, world: World, make_submission, role
):
    person = getattr(world, role)
    add_work(db, world, make_submission, range(1))
    home_of(web, person)  # the LMS course bound, caches warm
    few = page_statements(web, app, person)
    add_work(db, world, make_submission, range(1, 7))
    many = page_statements(web, app, person)
    assert len(few) == len(many), (few, many)
    assert len(many) == {"learner": 8, "tutor": 5, "admin": 8}[role], many
