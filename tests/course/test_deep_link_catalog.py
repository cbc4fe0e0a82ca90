"""The course's deep-linking catalog (issue 5 §2): what an instructor can place into the
LMS is the real course - its start, each lesson, each exercise with the industry open and
in each industry, each lesson's forum - every offered place opens, exercises ask for one
gradebook column per exercise (forums for none), and a round trip through the LMS
simulator lands a learner on the exercise or the forum."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from course import exercise_names, service
from course.content import load as content
from course.deep_link_catalog import CourseDeepLinkCatalog
from course.models import Course, CourseBinding, Exercise, ExerciseVariant, Lesson
from kurswerk.core.auth import Role
from kurswerk.core.csrf import CSRF_FIELD
from lti import service as lti_service
from lti.deep_linking import usable_targets
from tests.course.conftest import SECOND
from tests.lti.advantage import Simulator, context_of, landing, launch, simulator_fixture
from tests.lti.test_deep_linking import _jwt_of, answer, picker
from tests.support.people import MakeLearner

CONTENT = Path(__file__).resolve().parents[2] / "content"
COURSE = "social-media-strategie"


@pytest.fixture
def sim(app: FastAPI, db: Session) -> Iterator[Simulator]:
    yield from simulator_fixture(app, db, register=True)


def _expected_paths(db: Session) -> list[str]:
    """The course's active content in order, read straight from the tables."""
    paths = [""]
    lessons = db.exec(
        select(Lesson).where(col(Lesson.archived_at).is_(None)).order_by(col(Lesson.position))
    ).all()
    for lesson in lessons:
        paths.append(f"lessons/{lesson.slug}")
        exercises = db.exec(
            select(Exercise)
            .where(Exercise.lesson_id == lesson.id, col(Exercise.archived_at).is_(None))
            .order_by(col(Exercise.position))
        ).all()
        for exercise in exercises:
            base = f"lessons/{lesson.slug}/exercises/{exercise.slug}"
            paths.append(base)
            industries = db.exec(
                select(ExerciseVariant.industry)
                .where(ExerciseVariant.exercise_id == exercise.id)
                .order_by(col(ExerciseVariant.position))
            ).all()
            paths += [f"{base}?industry={industry}" for industry in industries]
        paths.append(f"lessons/{lesson.slug}/forum")
    return paths


def _kind_of(path: str) -> str:
    if not path:
        return "course"
    if path.endswith("/forum"):
        return "forum"
    return "exercise" if "/exercises/" in path else "lesson"


def _as_the_picker_groups(paths: list[str]) -> list[str]:
    """The picker shows the catalog by kind: the course, lessons, exercises, forums."""
    kinds = ("course", "lesson", "exercise", "forum")
    return [path for kind in kinds for path in paths if _kind_of(path) == kind]


def test_the_catalog_offers_the_course_lessons_exercises_and_industries(
    db: Session, loaded: content.LoadReport, make_learner: MakeLearner
):
    person = make_learner()
    items = CourseDeepLinkCatalog().items(db, person.context_id)
    assert [item.path for item in items] == _expected_paths(db)
    assert {item.course for item in items} == {COURSE}  # every link names its course
    assert any("?industry=" in item.path for item in items)  # the content has variants
    assert usable_targets(items) == list(items)  # lti offers every one of them

    course, *rest = items
    assert course.kind == "course" and course.line_item is None
    exercises = [item for item in items if item.kind == "exercise"]
    assert exercises and all(item.line_item is not None for item in exercises)
    assert all(item.line_item is None for item in rest if item.kind == "lesson")
    assert [item.kind for item in items] == [_kind_of(item.path) for item in items]
    forums = [item for item in items if item.kind == "forum"]
    assert len(forums) == len([item for item in items if item.kind == "lesson"])
    assert all(item.line_item is None and not item.custom for item in forums)
    for item in exercises:
        assert item.line_item is not None and item.line_item.target == item.path
        lesson_slug, exercise_slug = item.path.split("?")[0].split("/")[1::2]
        found = service.find_exercise(db, person.context_id, lesson_slug, exercise_slug)
        assert found.id is not None
        assert item.line_item.resource_id == exercise_names.exercise_resource_id(found.id)
        assert item.line_item.label == found.title
        if "?industry=" in item.path:
            assert item.custom == {"kurswerk_industry": item.path.rsplit("=", 1)[1]}


def test_every_offered_place_opens_for_a_learner(
    client, db: Session, loaded: content.LoadReport, make_learner: MakeLearner
):
    person = make_learner()
    items = CourseDeepLinkCatalog().items(db, person.context_id)
    db.commit()  # the first look binds the course to the LMS course
    for item in items:
        page = client.get(person.url(f"/c/{person.context_id}/{item.path}"))
        assert page.status_code == 200, (item.path, page.status_code)
        assert item.title.split(" – ")[0] in page.text


def test_a_forum_target_is_the_path_of_the_lessons_forum_list(
    app: FastAPI, db: Session, loaded: content.LoadReport, make_learner: MakeLearner
):
    person = make_learner()
    items = CourseDeepLinkCatalog().items(db, person.context_id)
    lessons = [item for item in items if item.kind == "lesson"]
    forums = [item for item in items if item.kind == "forum"]
    assert lessons and len(forums) == len(lessons)
    for lesson, forum in zip(lessons, forums, strict=True):
        slug = lesson.path.split("/")[1]
        route = app.url_path_for("forum_list", context=str(person.context_id), slug=slug)
        assert f"/c/{person.context_id}/{forum.path}" == route
        assert forum.title == f"Forum: {lesson.title}"
        assert forum.text == "Teilnehmende und Tutor:innen fragen und antworten zu dieser Lektion."


def test_forum_texts_follow_the_courses_language(
    db: Session, loaded: content.LoadReport, make_learner: MakeLearner
):
    person = make_learner()
    course = db.exec(select(Course)).one()
    course.language = "en"
    db.add(course)
    db.flush()
    items = CourseDeepLinkCatalog().items(db, person.context_id)
    forum = next(item for item in items if item.kind == "forum")
    assert forum.title.startswith("Forum: ")
    assert forum.text == ("Learners and tutors ask and answer questions about this lesson.")


def test_without_a_loaded_course_the_course_start_is_the_one_choice(
    db: Session, make_learner: MakeLearner
):
    person = make_learner()
    items = CourseDeepLinkCatalog().items(db, person.context_id)
    assert [(item.path, item.kind) for item in items] == [("", "course")]


def test_an_archived_lesson_is_not_offered(
    db: Session, loaded: content.LoadReport, make_learner: MakeLearner
):
    person = make_learner()
    lesson = db.exec(select(Lesson).order_by(col(Lesson.position))).first()
    assert lesson is not None
    lesson.archived_at = lesson.updated_at
    db.add(lesson)
    db.flush()
    paths = [item.path for item in CourseDeepLinkCatalog().items(db, person.context_id)]
    assert paths and not [p for p in paths if p.startswith(f"lessons/{lesson.slug}")]


def test_the_composition_root_puts_the_course_catalog_into_its_slot():
    assert isinstance(lti_service.deep_link_catalog(), CourseDeepLinkCatalog)


def test_a_deep_linked_real_exercise_is_where_a_later_launch_lands(
    client, sim: Simulator, db: Session, loaded: content.LoadReport
):
    path, token = landing(launch(client, sim, "tom", purpose="deep-link"))
    form = picker(client, f"{path}?kt={token}")
    context = context_of(db)
    offered = [value for _, value in form.targets]
    assert offered == [f"{COURSE}:{p}" for p in _as_the_picker_groups(_expected_paths(db))]
    key = next(value for value in offered if value.endswith("?industry=media"))
    chosen = key.split(":", 1)[1]

    action, jwt_value = _jwt_of(answer(client, form, [key]))
    assert action == sim.config.deep_link_return_url
    assert sim.client.post("/deep-link/return", data={"JWT": jwt_value}).status_code == 200

    [link] = [link for link in sim.course.links.values() if link.added_by == "tom"]
    assert link.custom["kurswerk_target"] == chosen
    assert link.custom["kurswerk_industry"] == "media"
    assert link.custom["kurswerk_course"] == COURSE
    lesson_slug, exercise_slug = chosen.split("?")[0].split("/")[1::2]
    exercise = service.find_exercise(db, context.id, lesson_slug, exercise_slug)
    assert exercise.id is not None
    db.commit()  # the lookup bound the LMS course (one course loaded): not the picker
    column = sim.course.line_items[link.line_item_id]
    assert column.resource_id == exercise_names.exercise_resource_id(exercise.id)

    where, learner_token = landing(launch(client, sim, "lena", link=link.id))
    assert where == f"/c/{context.id}/{chosen}"
    page = client.get(where, params={"kt": learner_token})
    assert page.status_code == 200 and exercise.title in page.text


def test_a_deep_linked_lesson_forum_has_no_column_and_a_launch_opens_its_thread_list(
    client, sim: Simulator, db: Session, loaded: content.LoadReport
):
    path, token = landing(launch(client, sim, "tom", purpose="deep-link"))
    form = picker(client, f"{path}?kt={token}")
    [key, *_] = [value for _, value in form.targets if value.endswith("/forum")]
    forum = key.split(":", 1)[1]

    _, jwt_value = _jwt_of(answer(client, form, [key]))
    assert sim.client.post("/deep-link/return", data={"JWT": jwt_value}).status_code == 200
    [link] = [link for link in sim.course.links.values() if link.added_by == "tom"]
    assert link.custom == {"kurswerk_target": forum, "kurswerk_course": COURSE}
    assert link.line_item_id is None and not sim.course.line_items

    context = context_of(db)
    where, learner_token = landing(launch(client, sim, "lena", link=link.id))
    assert where == f"/c/{context.id}/{forum}"
    page = client.get(where, params={"kt": learner_token})
    assert page.status_code == 200
    # the thread list: its "new question" button, under the lesson forum's heading
    assert f'href="/c/{context.id}/{forum}/new?' in page.text
    assert "<h1>Forum: " in page.text


# --- the course home links each role to its pages in the other rooms ---------------------

ALL_PAGES = (
    "submissions", "coaching", "queue", "roster", "admin/coaching", "lti/lms-calls",
    "promises/capacity", "admin/promises",
)  # fmt: skip


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.LEARNER, ["submissions", "coaching"]),
        (Role.TUTOR, ["queue", "roster", "promises/capacity"]),
        (Role.ADMIN, ["queue", "roster", "admin/coaching", "lti/lms-calls", "admin/promises"]),
    ],
)
def test_the_course_home_links_each_role_to_its_pages_only(
    client, db: Session, loaded: content.LoadReport, make_learner: MakeLearner, role, expected
):
    person = make_learner(role=role)
    home = client.get(person.url(f"/c/{person.context_id}/"))
    assert home.status_code == 200
    base = f"/c/{person.context_id}/"
    for page in ALL_PAGES:
        assert (f'href="{base}{page}?' in home.text) == (page in expected), page
    # no dead links: each one shown opens for this person (a roster without NRPS says so)
    for page in expected:
        assert client.get(person.url(base + page)).status_code == 200, page


@pytest.mark.parametrize("ui", ["de", "en"])
def test_the_picker_names_each_industry_once_in_either_ui_language(
    client, sim: Simulator, db: Session, loaded: content.LoadReport, ui: str
):
    """Issue 9 §6: the picker's exercise titles name the industry with the one name of
    the course's language (the titles go to the LMS, for the course's learners), whatever
    language the tutor's own UI is in."""
    path, token = landing(launch(client, sim, "tom", purpose="deep-link"))
    if ui == "en":
        form = picker(client, f"{path}?kt={token}")
        switched = client.post(
            f"/session/locale?kt={token}",
            data={CSRF_FIELD: form.csrf, "locale": "en", "next": path},
            follow_redirects=False,
        )
        assert switched.status_code == 303
        token = parse_qs(urlsplit(switched.headers["location"]).query)["kt"][0]
    page = client.get(f"{path}?kt={token}")
    assert page.status_code == 200 and f'<html lang="{ui}">' in page.text
    titles = re.findall(r'<span class="picker__title">([^<]*)</span>', page.text)
    named = {t.rsplit(" – ", 1)[1] for t in titles if " – " in t}
    assert named == {"Medien", "FMCG (Markenunternehmen)", "Handel (Filialisten)", "B2B"}


def test_a_link_placed_from_a_second_course_binds_the_lms_course_to_it(
    client, sim: Simulator, db: Session, two_loaded: content.LoadReport
):
    """Two courses loaded, the LMS course not bound yet: the picker offers both (told
    apart by course), the link placed names its course, and the first launch through it
    binds the LMS course to that course."""
    path, token = landing(launch(client, sim, "tom", purpose="deep-link"))
    form = picker(client, f"{path}?kt={token}")
    offered = [value for _, value in form.targets]
    assert f"{SECOND}:" in offered and f"{COURSE}:" in offered  # both course starts
    key = f"{SECOND}:lessons/im-sturm/exercises/erste-stunde?industry=gesundheit"
    assert key in offered

    _, jwt_value = _jwt_of(answer(client, form, [key]))
    assert sim.client.post("/deep-link/return", data={"JWT": jwt_value}).status_code == 200
    [link] = [link for link in sim.course.links.values() if link.added_by == "tom"]
    assert link.custom["kurswerk_course"] == SECOND
    assert db.exec(select(CourseBinding)).all() == []  # placing a link binds nothing

    where, learner_token = landing(launch(client, sim, "lena", link=link.id))
    context = context_of(db)
    assert where == f"/c/{context.id}/lessons/im-sturm/exercises/erste-stunde?industry=gesundheit"
    page = client.get(f"{where}&kt={learner_token}")
    assert page.status_code == 200 and "Aufgabe für die Branche Gesundheitswesen" in page.text
    db.expire_all()
    [binding] = db.exec(select(CourseBinding)).all()
    assert binding.context_id == context.id
    assert db.get(Course, binding.course_id).slug == SECOND  # type: ignore[union-attr]
