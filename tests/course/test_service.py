"""Which course an LMS course shows, and the lesson page's hot path (cache, one query)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func
from sqlmodel import Session, select

from course import binding, service
from course import binding as binding_mod
from course.content import load as content
from course.models import Course, CourseBinding
from kurswerk.core.clock import utcnow
from kurswerk.core.errors import NotFound
from tests.course.conftest import CONTENT, Learner, MakeLearner, mini_course
from tests.course.test_content_check import LESSON, edit


def test_without_any_course_the_learner_gets_a_clear_404(
    client: TestClient, make_learner: MakeLearner
):
    learner = make_learner()
    response = client.get(learner.url(f"/c/{learner.context_id}/"))
    assert response.status_code == 404
    assert "noch keine Inhalte geladen" in response.text


def test_bind_course_switches_what_an_lms_course_shows(
    db: Session, tmp_path: Path, make_learner: MakeLearner, client: TestClient
):
    content.load(db, CONTENT)
    content.load(db, mini_course(tmp_path, "Text.\n") / "mini")  # one folder: others stay
    db.commit()
    learner = make_learner()
    service.bind_named_course(db, learner.context_id, "social-media-strategie")
    binding_mod.bind_course(db, learner.context_id, "mini")  # an operator's deliberate move
    db.commit()

    response = client.get(learner.url(f"/c/{learner.context_id}/"))
    assert '<h1 lang="de">Mini</h1>' in response.text
    assert len(db.exec(select(CourseBinding)).all()) == 1
    with pytest.raises(NotFound):
        binding.bind_course(db, learner.context_id, "gibt-es-nicht")


def test_an_archived_course_is_not_shown(db: Session, client: TestClient, learner: Learner):
    assert client.get(learner.url(f"/c/{learner.context_id}/")).status_code == 200
    db.exec(select(Course)).one().archived_at = utcnow()
    db.commit()
    response = client.get(learner.url(f"/c/{learner.context_id}/lessons/kundenbeziehungen"))
    assert response.status_code == 404
    assert "nicht mehr verfügbar" in response.text


@pytest.fixture
def statements(app: FastAPI) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        seen.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", record)
    yield seen
    event.remove(app.state.engine, "before_cursor_execute", record)


def page_queries(statements: list[str]) -> list[str]:
    """The page's own statements, after the session's one look-up of whether it was ended
    by logging out (a primary-key read that every request with a session makes)."""
    ended = [s for s in statements if "FROM revoked_session" in s]
    assert len(ended) == 1, statements
    return [s for s in statements if s not in ended]


def test_a_warm_lesson_page_costs_exactly_one_query(
    client: TestClient, learner: Learner, statements: list[str], fill_slot
):
    """The course's own part; the panels at the end of the page add theirs (the upload's
    one query: tests/uploads/test_lesson_end.py)."""
    fill_slot(service.LESSON_END_PANELS, ())
    url = learner.url(f"/c/{learner.context_id}/lessons/kundenbeziehungen")
    assert client.get(url).status_code == 200  # binds the course, fills the cache
    statements.clear()

    assert client.get(url).status_code == 200

    [query] = page_queries(statements)
    assert "lesson_progress" in query


def test_the_lesson_cache_follows_a_content_load(
    db: Session, content_copy: Path, client: TestClient, make_learner: MakeLearner
):
    content.load(db, content_copy)
    db.commit()
    learner = make_learner()
    url = learner.url(f"/c/{learner.context_id}/lessons/kundenbeziehungen")
    assert "Diese neue Erkenntnis" not in client.get(url).text

    edit(content_copy / LESSON, "Diese Erkenntnis ist", "Diese neue Erkenntnis ist")
    content.load(db, content_copy)
    db.commit()

    assert "Diese neue Erkenntnis" in client.get(url).text


def test_the_course_home_costs_a_fixed_number_of_queries(
    db: Session,
    tmp_path: Path,
    client: TestClient,
    make_learner: MakeLearner,
    statements,
    fill_slot,
):
    """The course's own part; the rooms' panels add theirs (each role's whole home:
    tests/course/test_home_statements.py)."""
    fill_slot(service.COURSE_HOME_PANELS, ())
    lessons = "\n".join(f"  - l{n}" for n in range(6))
    root = mini_course(tmp_path, "Text.\n")
    course_dir = root / "mini"
    (course_dir / "course.yaml").write_text(f"slug: mini\ntitle: Mini\nlessons:\n{lessons}\n")
    (course_dir / "lessons" / "eins.md").unlink()
    for n in range(6):
        (course_dir / "lessons" / f"l{n}.md").write_text(
            f"---\nslug: l{n}\ntitle: L{n}\n---\n\nText.\n"
        )
    content.load(db, root)
    db.commit()
    learner = make_learner()
    url = learner.url(f"/c/{learner.context_id}/")
    client.get(url)
    statements.clear()

    page = client.get(url).text

    assert page.count('<li class="lesson-card') == 6
    queries = page_queries(statements)
    assert len(queries) == 2, queries  # the binding's course, then lessons + progress
    assert db.exec(select(func.count()).select_from(CourseBinding)).one() == 1
