"""A launch binds its LMS course to the course it names (custom parameter
``kurswerk_course``, from a deep link or the tool's settings), through the real login and
launch of a platform we did not write; a later launch naming another course is refused and
binds nothing; with several courses loaded and none named, instructors choose."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session, select

from kurswerk.core.auth import SESSION_COOKIE
from lti.models import LmsContext
from tests.course.conftest import SECOND
from tests.course.test_binding import FIRST, bindings
from tests.lti import conftest as lti_fixtures
from tests.lti.conftest import run_flow, set_cookie_headers

# The platform peer of the LTI tests, as fixtures of this module.
keyset_server = lti_fixtures.keyset_server
peer = lti_fixtures.peer

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def context_of(db: Session, lms_context_id: str = "course-7") -> int:
    db.expire_all()
    context = db.exec(select(LmsContext).where(LmsContext.lms_context_id == lms_context_id)).one()
    assert context.id is not None
    return context.id


def follow(client, launch) -> str:
    assert launch.status_code == 303, launch.text
    page = client.get(launch.headers["location"])
    assert page.status_code == 200, page.text
    return page.text


def test_a_launch_naming_a_course_binds_its_lms_course(client, peer, db: Session, two_loaded):
    _, launch = run_flow(client, peer, custom={"kurswerk_course": SECOND})
    assert "Krisenkommunikation" in follow(client, launch)
    assert bindings(db) == {context_of(db): SECOND}


def test_two_lms_courses_each_bind_to_the_course_their_links_name(
    client, peer, db: Session, two_loaded
):
    _, first = run_flow(client, peer, context_id="course-7", custom={"kurswerk_course": FIRST})
    _, second = run_flow(client, peer, context_id="course-8", custom={"kurswerk_course": SECOND})
    assert "Social-Media-Strategie" in follow(client, first)
    assert "Krisenkommunikation" in follow(client, second)
    assert bindings(db) == {context_of(db, "course-7"): FIRST, context_of(db, "course-8"): SECOND}


def test_a_later_launch_naming_another_course_is_refused_and_moves_nothing(
    client, peer, db: Session, two_loaded
):
    _, first = run_flow(client, peer, custom={"kurswerk_course": FIRST})
    follow(client, first)
    _, refused = run_flow(client, peer, user_id="peer-user-2", custom={"kurswerk_course": SECOND})
    assert refused.status_code == 409
    assert "Krisenkommunikation" in refused.text and "Social-Media-Strategie" in refused.text
    assert not any(h.startswith(SESSION_COOKIE + "=") for h in set_cookie_headers(refused))
    assert bindings(db) == {context_of(db): FIRST}
    # the same course named again, or none: fine
    _, again = run_flow(client, peer, user_id="peer-user-2", custom={"kurswerk_course": FIRST})
    assert "Social-Media-Strategie" in follow(client, again)
    _, plain = run_flow(client, peer, user_id="peer-user-3")
    assert "Social-Media-Strategie" in follow(client, plain)


def test_a_launch_naming_a_course_that_is_not_loaded_is_refused_by_name(
    client, peer, db: Session, two_loaded
):
    _, refused = run_flow(client, peer, custom={"kurswerk_course": "Social Media"})
    assert refused.status_code == 404
    assert "„Social Media“" in refused.text
    assert bindings(db) == {}


def test_without_a_named_course_an_instructor_lands_on_the_choice_and_a_learner_waits(
    client, peer, db: Session, two_loaded
):
    _, learner = run_flow(client, peer, user_id="lena", roles=[LEARNER])
    assert learner.status_code == 303
    waiting = client.get(learner.headers["location"])
    assert waiting.status_code == 409 and "noch nicht eingerichtet" in waiting.text

    _, instructor = run_flow(client, peer, user_id="tom", roles=[INSTRUCTOR])
    choice = follow(client, instructor)
    assert 'class="course-choice"' in choice
    assert bindings(db) == {}


def test_with_one_course_loaded_a_plain_launch_binds_to_it(client, peer, db: Session, loaded):
    _, launch = run_flow(client, peer)
    location = urlsplit(launch.headers["location"])
    assert parse_qs(location.query)["kt"]
    assert "Social-Media-Strategie" in follow(client, launch)
    assert bindings(db) == {context_of(db): FIRST}
