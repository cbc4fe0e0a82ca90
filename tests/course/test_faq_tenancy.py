"""The FAQ across LMS courses and platforms: an entry from the course files belongs to the
course package; a tutor's change, hiding or deletion of it reaches their LMS course only
(an override), never another LMS course on the same platform or another platform; a
content reload keeps every override and still updates the package's entries; search,
suggestions and counts show each LMS course its own view; and an override's id is
nothing in another LMS course.

Four LMS courses show the same course: Anna's and Tina's (platform A), Carl's and
Tom's other course on platform A, and Olga's and Otto's on platform B.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from course import binding, service
from course.content import load as content
from course.faq.models import FaqEntry
from course.forum.models import SearchTerm
from kurswerk.core.auth import Role
from lti.models import LmsContext
from tests.course.conftest import CONTENT, mini_course
from tests.course.html_tools import parse
from tests.course.test_content_check import edit
from tests.course.test_forum_helpers import People, get, lesson_path, people, post_form, web
from tests.support.people import Learner, MakeLearner

__all__ = ["people", "web"]

FAQ_FILE = "social-media-strategie/faq/kundenbeziehungen.yaml"
FIRST_KEY, FIRST_QUESTION = "was-sind-kundenbeziehungen", "Was sind Kundenbeziehungen?"
SECOND_KEY, SECOND_QUESTION = "wozu-dienen-die-uebungen", "Wozu dienen die Übungen?"
CHANGED_QUESTION = "Was meint Tina mit Stammkundschaftspflege?"
CHANGED_ANSWER = "Nur in Tinas Kurs: Stammkundschaftspflege heißt hier Zuhören."


@dataclass
class Courses:
    """Tina tutors Anna's LMS course; Tom tutors Carl's, another LMS course on the same
    platform; Otto tutors Olga's, on another platform."""

    people: People
    carl: Learner
    tom: Learner
    otto: Learner

    @property
    def tina(self) -> Learner:
        return self.people.tina

    @property
    def anna(self) -> Learner:
        return self.people.anna

    @property
    def olga(self) -> Learner:
        return self.people.olga

    @property
    def others(self) -> tuple[Learner, ...]:
        return (self.carl, self.tom, self.olga, self.otto)


@pytest.fixture
def courses(people: People, db: Session, make_learner: MakeLearner) -> Courses:
    anna_course = db.get(LmsContext, people.context_id)
    assert anna_course is not None
    second = LmsContext(platform_id=anna_course.platform_id, lms_context_id="zweiter-kurs")
    db.add(second)
    db.commit()
    carl = make_learner(context=second, name="Carl Zweit")
    tom = make_learner(context=second, role=Role.TUTOR, name="Tom Tutor")
    olga_course = db.get(LmsContext, people.olga.context_id)
    otto = make_learner(context=olga_course, role=Role.TUTOR, name="Otto Other")
    return Courses(people, carl, tom, otto)


def file_entry(db: Session, key: str = FIRST_KEY) -> FaqEntry:
    db.expire_all()
    return db.exec(select(FaqEntry).where(FaqEntry.source_key == key)).one()


def faq_titles(web: TestClient, person: Learner, query: str = "") -> list[str]:
    tail = f"/faq?q={query}" if query else "/faq"
    page = parse(get(web, person, lesson_path(person, tail)).text)
    return [h.clean_text for h in page.find(id="kw-faq-entries").parent.find_all("h3")]  # type: ignore[union-attr]


def change(web: TestClient, tutor: Learner, entry_id: int) -> None:
    response = post_form(
        web, tutor, f"/c/{tutor.context_id}/faq/{entry_id}/edit",
        {"question": CHANGED_QUESTION, "answer": CHANGED_ANSWER, "position": "0"},
    )  # fmt: skip
    assert response.status_code == 303, response.text[:300]


def delete(web: TestClient, tutor: Learner, entry_id: int) -> None:
    response = post_form(web, tutor, f"/c/{tutor.context_id}/faq/{entry_id}/delete", {})
    assert response.status_code == 303, response.text[:300]


def test_a_tutors_change_of_a_file_entry_reaches_their_lms_course_only(
    web: TestClient, courses: Courses, db: Session
):
    original = file_entry(db)
    change(web, courses.tina, original.id)  # type: ignore[arg-type]

    mine = faq_titles(web, courses.anna)
    assert CHANGED_QUESTION in mine and FIRST_QUESTION not in mine
    assert CHANGED_ANSWER in get(web, courses.anna, lesson_path(courses.anna, "/faq")).text
    for other in courses.others:  # the same platform's other course, another platform
        titles = faq_titles(web, other)
        assert FIRST_QUESTION in titles and CHANGED_QUESTION not in titles, other.principal
        assert "Stammkundschaftspflege" not in get(web, other, lesson_path(other, "/faq")).text
    # The package's entry is untouched; the change is a row of Tina's LMS course.
    assert file_entry(db).question == FIRST_QUESTION
    override = db.exec(select(FaqEntry).where(FaqEntry.overrides_id == original.id)).one()
    assert override.context_id == courses.tina.context_id


def test_a_tutors_deletion_of_a_file_entry_hides_it_in_their_lms_course_only(
    web: TestClient, courses: Courses, db: Session
):
    delete(web, courses.tina, file_entry(db, SECOND_KEY).id)  # type: ignore[arg-type]
    assert SECOND_QUESTION not in faq_titles(web, courses.anna)
    for other in courses.others:
        assert SECOND_QUESTION in faq_titles(web, other), other.principal
    assert file_entry(db, SECOND_KEY).deleted_at is None
    # The hub counts each LMS course's own entries.
    hub_anna = get(web, courses.anna, lesson_path(courses.anna, "/questions")).text
    hub_carl = get(web, courses.carl, lesson_path(courses.carl, "/questions")).text
    assert "(6 Einträge)" in hub_anna and "(7 Einträge)" in hub_carl


def test_a_content_reload_keeps_each_courses_overrides_and_updates_the_others(
    web: TestClient, courses: Courses, db: Session, content_copy: Path
):
    change(web, courses.tina, file_entry(db).id)  # type: ignore[arg-type]
    delete(web, courses.tina, file_entry(db, SECOND_KEY).id)  # type: ignore[arg-type]
    edit(content_copy / FAQ_FILE, f"question: {FIRST_QUESTION}", "question: Neu aus der Datei?")
    edit(content_copy / FAQ_FILE, f"question: {SECOND_QUESTION}", "question: Wofür die Übungen?")
    db.expire_all()
    report = content.load(db, content_copy)
    db.commit()

    assert report.counts["faq"]["kept"] == 2 and report.counts["faq"]["updated"] == 2
    assert any(FIRST_KEY in note and "1 LMS course(s)" in note for note in report.notes)
    mine = faq_titles(web, courses.anna)
    assert CHANGED_QUESTION in mine
    assert not {"Neu aus der Datei?", "Wofür die Übungen?", FIRST_QUESTION} & set(mine)
    for other in courses.others:
        titles = faq_titles(web, other)
        assert {"Neu aus der Datei?", "Wofür die Übungen?"} <= set(titles), other.principal
        assert CHANGED_QUESTION not in titles


def test_search_and_suggestions_show_each_lms_course_its_own_view(
    web: TestClient, courses: Courses, db: Session
):
    change(web, courses.tina, file_entry(db).id)  # type: ignore[arg-type]
    delete(web, courses.tina, file_entry(db, SECOND_KEY).id)  # type: ignore[arg-type]

    assert faq_titles(web, courses.anna, "Stammkundschaftspflege") == [CHANGED_QUESTION]
    assert SECOND_QUESTION not in faq_titles(web, courses.anna, "Übungen")
    for other in courses.others:
        assert faq_titles(web, other, "Stammkundschaftspflege") == [], other.principal
        assert SECOND_QUESTION in faq_titles(web, other, "Übungen")
    suggest = "/forum/suggest?text=Stammkundschaftspflege+Zuhören"
    assert CHANGED_QUESTION in get(web, courses.anna, lesson_path(courses.anna, suggest)).text
    assert CHANGED_QUESTION not in get(web, courses.carl, lesson_path(courses.carl, suggest)).text
    # The index holds the override in Tina's course's scope, never in the shared one.
    scopes = set(
        db.exec(select(SearchTerm.scope).where(SearchTerm.term == "stammkundschaftspfleg")).all()
    )
    assert scopes == {courses.tina.context_id}


def test_restoring_the_file_version_affects_only_the_restoring_lms_course(
    web: TestClient, courses: Courses, db: Session
):
    first, second = file_entry(db), file_entry(db, SECOND_KEY)
    change(web, courses.tina, first.id)  # type: ignore[arg-type]
    change(web, courses.tom, first.id)  # type: ignore[arg-type]
    delete(web, courses.tina, second.id)  # type: ignore[arg-type]
    for entry_id in (first.id, second.id):
        response = post_form(
            web, courses.tina, f"/c/{courses.tina.context_id}/faq/{entry_id}/revert", {}
        )
        assert response.status_code == 303
    assert {FIRST_QUESTION, SECOND_QUESTION} <= set(faq_titles(web, courses.anna))
    carl = faq_titles(web, courses.carl)  # Tom's change stays in his course
    assert CHANGED_QUESTION in carl and FIRST_QUESTION not in carl


def test_another_lms_courses_tutor_cannot_reach_an_override_by_its_id(
    web: TestClient, courses: Courses, db: Session
):
    """The attack: Tom (same platform) and Otto (another platform) take the id of
    Tina's override and post edit, delete and restore with it in their own LMS course."""
    change(web, courses.tina, file_entry(db).id)  # type: ignore[arg-type]
    override = db.exec(select(FaqEntry).where(FaqEntry.question == CHANGED_QUESTION)).one()
    before = (override.question, override.answer, override.deleted_at)
    for tutor in (courses.tom, courses.otto):
        base = f"/c/{tutor.context_id}/faq/{override.id}"
        assert get(web, tutor, f"{base}/edit").status_code == 404
        for action, data in (
            ("edit", {"question": "Gekapert?", "answer": "Ja", "position": "0"}),
            ("delete", {}),
            ("revert", {}),
        ):
            assert post_form(web, tutor, f"{base}/{action}", data).status_code == 404, action
    db.expire_all()
    again = db.get(FaqEntry, override.id)
    assert again is not None and (again.question, again.answer, again.deleted_at) == before


def test_entries_tutors_write_belong_to_their_lms_course(
    web: TestClient, courses: Courses, db: Session
):
    response = post_form(
        web, courses.tina, lesson_path(courses.tina, "/faq/new"),
        {"question": "Nur bei Tina?", "answer": "Ja."},
    )  # fmt: skip
    assert response.status_code == 303
    row = db.exec(select(FaqEntry).where(FaqEntry.question == "Nur bei Tina?")).one()
    assert row.context_id == courses.tina.context_id
    for other in courses.others:
        assert "Nur bei Tina?" not in faq_titles(web, other)
        base = f"/c/{other.context_id}/faq/{row.id}"
        if other.principal.role is Role.TUTOR:
            assert post_form(web, other, f"{base}/delete", {}).status_code == 404


def test_the_content_files_load_identically_with_overrides_present(
    web: TestClient, courses: Courses, db: Session
):
    change(web, courses.tina, file_entry(db).id)  # type: ignore[arg-type]
    db.expire_all()
    report = content.load(db, CONTENT)
    db.commit()
    assert report.counts["faq"]["unchanged"] == 7 and report.counts["faq"]["kept"] == 1
    assert file_entry(db).question == FIRST_QUESTION


def test_a_tutor_of_an_lms_course_showing_another_course_cannot_touch_its_entries(
    web: TestClient, courses: Courses, db: Session, tmp_path: Path, content_copy: Path
):
    """Otto's LMS course shows another course package: the file entries of this one are
    nothing there, whatever he posts."""
    shutil.copytree(mini_course(tmp_path, "Nur ein Absatz.") / "mini", content_copy / "mini")
    content.load(db, content_copy)
    binding.bind_course(db, courses.otto.context_id, "mini")
    # two courses loaded now: Anna's LMS course shows the first one by a launch naming it
    service.bind_named_course(db, courses.anna.context_id, "social-media-strategie")
    db.commit()
    entry_id = file_entry(db).id
    base = f"/c/{courses.otto.context_id}/faq/{entry_id}"
    for action, data in (
        ("edit", {"question": "Gekapert?", "answer": "Ja", "position": "0"}),
        ("delete", {}),
        ("revert", {}),
    ):
        assert post_form(web, courses.otto, f"{base}/{action}", data).status_code == 404, action
    assert db.exec(select(FaqEntry).where(FaqEntry.context_id.is_not(None))).all() == []  # type: ignore[union-attr]
    assert FIRST_QUESTION in faq_titles(web, courses.anna)
