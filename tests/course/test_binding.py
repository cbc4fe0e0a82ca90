"""Which course an LMS course shows when more than one is loaded: bound explicitly (a
launch naming it, an instructor's choice), once, and never moved by a later launch; with
one course loaded, the first use binds to it as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course import binding, service
from course.content import load as content
from course.deep_link_catalog import CourseDeepLinkCatalog
from course.models import Course, CourseBinding
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CSRF_FIELD
from kurswerk.core.errors import NotFound
from lti.deep_linking import usable_targets
from tests.course.conftest import CONTENT, SECOND, MakeLearner, mini_course
from tests.course.html_tools import parse

FIRST = "social-media-strategie"


def bindings(db: Session) -> dict[int, str]:
    """{LMS course id: course slug} of every binding."""
    db.expire_all()
    rows = db.exec(select(CourseBinding)).all()
    slugs = {course.id: course.slug for course in db.exec(select(Course)).all()}
    return {row.context_id: slugs[row.course_id] for row in rows}


# --- one course loaded: today's behaviour --------------------------------------------


def test_with_one_course_loaded_the_first_use_binds_to_it_and_keeps_it(
    db: Session, make_learner: MakeLearner
):
    content.load(db, CONTENT)
    db.commit()
    learner = make_learner()

    first = service.course_for_context(db, learner.context_id)
    again = service.course_for_context(db, learner.context_id)
    db.commit()

    assert first.slug == again.slug == FIRST
    assert bindings(db) == {learner.context_id: FIRST}


def test_an_archived_second_course_does_not_count(
    db: Session, tmp_path: Path, make_learner: MakeLearner
):
    content.load(db, mini_course(tmp_path, "Text.\n"))  # a content root: only "mini"
    content.load(db, CONTENT)  # a content root: "mini" is archived
    db.commit()
    learner = make_learner()
    assert service.course_for_context(db, learner.context_id).slug == FIRST


# --- several loaded, nothing names one ------------------------------------------------


def test_with_two_courses_loaded_nothing_is_bound_silently(
    db: Session, two_loaded, make_learner: MakeLearner
):
    learner = make_learner()
    with pytest.raises(binding.CourseNotChosen):
        service.course_for_context(db, learner.context_id)
    assert bindings(db) == {}


def test_a_learner_is_told_the_lms_course_is_not_set_up_yet(
    client: TestClient, two_loaded, make_learner: MakeLearner, db: Session
):
    learner = make_learner()
    exercise = "/lessons/kundenbeziehungen/exercises/leistungen-pruefen"
    for path in ("/", "/lessons/kundenbeziehungen", exercise, "/lessons/kundenbeziehungen/faq"):
        response = client.get(learner.url(f"/c/{learner.context_id}{path}"))
        assert response.status_code == 409, path
        assert "noch nicht eingerichtet" in response.text
        assert "course-choice" not in response.text
    assert bindings(db) == {}


@pytest.mark.parametrize("role", [Role.TUTOR, Role.ADMIN])
def test_an_instructor_or_admin_chooses_the_course_on_the_course_home(
    client: TestClient, two_loaded, make_learner: MakeLearner, db: Session, role: Role
):
    staff = make_learner(role=role)
    home = client.get(staff.url(f"/c/{staff.context_id}/"))
    assert home.status_code == 200
    form = parse(home.text).find("form", cls="course-choice")
    assert form.attrs["method"] == "post"
    assert form.attrs["action"].startswith(f"/c/{staff.context_id}/course-choice?")
    assert form.find("input", type="hidden", name=CSRF_FIELD).attrs["value"] == staff.csrf
    offered = [radio.attrs["value"] for radio in form.find_all("input", type="radio")]
    assert offered == [SECOND, FIRST]  # by title

    chosen = client.post(
        staff.url(f"/c/{staff.context_id}/course-choice"),
        data={CSRF_FIELD: staff.csrf, "course": SECOND},
        follow_redirects=False,
    )

    assert chosen.status_code == 303
    assert chosen.headers["location"].startswith(f"/c/{staff.context_id}/?kt=")
    assert bindings(db) == {staff.context_id: SECOND}
    home = client.get(chosen.headers["location"])
    assert home.status_code == 200 and "Krisenkommunikation" in home.text
    assert "Im Sturm" in home.text


def choose(client: TestClient, person, course: str, *, csrf: str | None = None):
    data = {"course": course} if csrf == "" else {CSRF_FIELD: csrf or person.csrf, "course": course}
    return client.post(
        person.url(f"/c/{person.context_id}/course-choice"), data=data, follow_redirects=False
    )


def test_the_choice_needs_the_csrf_token(
    client: TestClient, two_loaded, make_learner: MakeLearner, db: Session
):
    tutor = make_learner(role=Role.TUTOR)
    other = make_learner(role=Role.TUTOR)  # another session's token
    assert choose(client, tutor, SECOND, csrf="").status_code == 403
    assert choose(client, tutor, SECOND, csrf=other.csrf).status_code == 403
    assert bindings(db) == {}


def test_a_learner_cannot_choose(
    client: TestClient, two_loaded, make_learner: MakeLearner, db: Session
):
    learner = make_learner()
    assert choose(client, learner, SECOND).status_code == 403
    assert bindings(db) == {}


def test_an_instructor_of_another_lms_course_cannot_choose_for_this_one(
    client: TestClient, two_loaded, make_learner: MakeLearner, db: Session
):
    learner = make_learner()
    elsewhere = make_learner(role=Role.TUTOR)  # their own LMS course, their own session
    response = client.post(
        elsewhere.url(f"/c/{learner.context_id}/course-choice"),
        data={CSRF_FIELD: elsewhere.csrf, "course": SECOND},
        follow_redirects=False,
    )
    assert response.status_code in (401, 403)
    assert bindings(db) == {}


@pytest.mark.parametrize("bad", ["gibt-es-nicht", "", "<b>x</b>", "mini"])
def test_a_course_that_is_not_offered_is_refused_and_the_form_shown_again(
    client: TestClient, tmp_path: Path, two_loaded, make_learner: MakeLearner, db: Session, bad
):
    content.load(db, mini_course(tmp_path, "Text.\n") / "mini")  # loaded, then archived
    db.exec(select(Course).where(Course.slug == "mini")).one().archived_at = utcnow()
    db.commit()
    tutor = make_learner(role=Role.TUTOR)
    response = choose(client, tutor, bad)
    assert response.status_code == 400
    page = parse(response.text)
    assert page.find(id="kw-form-error").clean_text == (
        "Bitte wählen Sie einen der angebotenen Kurse."
    )
    offered = page.find("form", cls="course-choice").find_all("input", type="radio")
    assert [radio.attrs["value"] for radio in offered] == [SECOND, FIRST]
    assert bindings(db) == {}


def test_an_over_long_choice_is_a_bad_request(
    client: TestClient, two_loaded, make_learner: MakeLearner, db: Session
):
    tutor = make_learner(role=Role.TUTOR)
    assert choose(client, tutor, "x" * 101).status_code == 400
    assert bindings(db) == {}


def test_a_chosen_course_is_not_changed_by_a_second_choice(
    client: TestClient, two_loaded, make_learner: MakeLearner, db: Session
):
    tutor = make_learner(role=Role.TUTOR)
    assert choose(client, tutor, SECOND).status_code == 303
    again = choose(client, tutor, FIRST)
    assert again.status_code == 409
    assert "Krisenkommunikation" in again.text  # names the course it shows
    assert bindings(db) == {tutor.context_id: SECOND}
    assert choose(client, tutor, SECOND).status_code == 303  # the same: fine


# --- a launch names the course ---------------------------------------------------------


def test_a_named_course_binds_an_unbound_lms_course(
    db: Session, two_loaded, make_learner: MakeLearner
):
    learner = make_learner()
    assert service.bind_named_course(db, learner.context_id, SECOND).slug == SECOND
    assert service.bind_named_course(db, learner.context_id, SECOND).slug == SECOND
    db.commit()
    assert bindings(db) == {learner.context_id: SECOND}
    assert service.course_for_context(db, learner.context_id).slug == SECOND


def test_a_launch_naming_another_course_never_moves_the_binding(
    db: Session, two_loaded, make_learner: MakeLearner
):
    learner = make_learner()
    service.bind_named_course(db, learner.context_id, FIRST)
    db.commit()
    with pytest.raises(binding.BindingConflict) as refused:
        service.bind_named_course(db, learner.context_id, SECOND)
    assert refused.value.status_code == 409
    assert refused.value.params == {
        "bound": "Social-Media-Strategie",
        "named": "Krisenkommunikation",
    }
    db.rollback()
    assert bindings(db) == {learner.context_id: FIRST}


def test_a_launch_naming_a_course_that_is_not_loaded_is_refused_by_name(
    db: Session, two_loaded, make_learner: MakeLearner
):
    learner = make_learner()
    with pytest.raises(NotFound) as refused:
        service.bind_named_course(db, learner.context_id, "gibt-es-nicht")
    assert refused.value.message == binding.NAMED_NOT_LOADED
    assert refused.value.params == {"course": "gibt-es-nicht"}
    assert bindings(db) == {}


def test_two_lms_courses_on_two_platforms_show_two_courses_with_their_industries(
    client: TestClient, db: Session, two_loaded, make_learner: MakeLearner
):
    moodle, canvas = make_learner(), make_learner()  # each on a platform of its own
    assert moodle.principal.platform_id != canvas.principal.platform_id
    service.bind_named_course(db, moodle.context_id, FIRST)
    service.bind_named_course(db, canvas.context_id, SECOND)
    db.commit()

    assert bindings(db) == {moodle.context_id: FIRST, canvas.context_id: SECOND}
    moodle_industries = service.context_industries(db, moodle.context_id)
    canvas_industries = service.context_industries(db, canvas.context_id)
    assert moodle_industries.active == ("media", "fmcg", "retail", "b2b")
    assert canvas_industries.active == ("gesundheit", "media")
    assert moodle_industries.name("media", "de") == "Medien"
    assert canvas_industries.name("media", "de") == "Verlage"
    # the same slug, each LMS course's own course and names
    path = "/lessons/im-sturm/exercises/erste-stunde?industry=media"
    page = client.get(canvas.url(f"/c/{canvas.context_id}{path}"))
    assert page.status_code == 200 and "Aufgabe für die Branche Verlage" in page.text
    assert client.get(moodle.url(f"/c/{moodle.context_id}{path}")).status_code == 404
    gesundheit = client.get(
        canvas.url(f"/c/{canvas.context_id}{path.replace('=media', '=gesundheit')}")
    )
    assert "Gesundheitswesen" in gesundheit.text
    other = "/lessons/kundenbeziehungen/exercises/leistungen-pruefen?industry=gesundheit"
    assert client.get(moodle.url(f"/c/{moodle.context_id}{other}")).status_code == 400


# --- the deep-linking catalog ---------------------------------------------------------


def test_an_unbound_lms_course_is_offered_every_course_each_link_naming_its_own(
    db: Session, two_loaded, make_learner: MakeLearner
):
    tutor = make_learner(role=Role.TUTOR)
    items = CourseDeepLinkCatalog().items(db, tutor.context_id)
    assert {item.course for item in items} == {FIRST, SECOND}
    starts = [(item.title, item.course) for item in items if item.kind == "course"]
    assert starts == [("Krisenkommunikation", SECOND), ("Social-Media-Strategie", FIRST)]
    # both courses' starts share the path "": the picker tells them apart by course
    assert usable_targets(items) == list(items)
    assert len({item.key for item in items}) == len(items)
    assert bindings(db) == {}  # looking binds nothing

    service.bind_named_course(db, tutor.context_id, SECOND)
    items = CourseDeepLinkCatalog().items(db, tutor.context_id)
    assert {item.course for item in items} == {SECOND}
    assert [item.path for item in items if item.kind == "exercise"] == [
        "lessons/im-sturm/exercises/erste-stunde",
        "lessons/im-sturm/exercises/erste-stunde?industry=gesundheit",
        "lessons/im-sturm/exercises/erste-stunde?industry=media",
    ]
    titles = [item.title for item in items if "?industry=" in item.path]
    assert titles == ["Die erste Stunde – Gesundheitswesen", "Die erste Stunde – Verlage"]
