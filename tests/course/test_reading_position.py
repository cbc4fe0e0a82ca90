"""Where the learner left off (issue 15, "A course home for each role"): the lesson page
records the lesson the reader opens (also without JavaScript), the page's script reports
the heading reached, and the course home links back to that heading with the learner's
progress beside it - for learners only, per LMS course, in German and English."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlmodel import Session, col, select

from course.content import load as content
from course.models import Lesson
from course.progress.models import ReadingPosition
from kurswerk.core.auth import Role
from lti.models import LmsContext
from tests.course.html_tools import Element, parse
from tests.support.people import Learner, MakeLearner
from tests.support.statements import statements

BODY = """Einleitung.

## Am Anfang

Erster Teil.

## In der Mitte

Zweiter Teil.

### Noch tiefer

Dritter Teil.
"""


@pytest.fixture
def loaded(db: Session, tmp_path: Path) -> content.LoadReport:
    """A course of two lessons with headings (the real course has one lesson)."""
    root = tmp_path / "two-lessons"
    (root / "lesekurs" / "lessons").mkdir(parents=True)
    (root / "lesekurs" / "course.yaml").write_text(
        "slug: lesekurs\ntitle: Lesekurs\nlessons: [eins, zwei]\n", encoding="utf-8"
    )
    for slug, title in (("eins", "Die erste Lektion"), ("zwei", "Die zweite Lektion")):
        (root / "lesekurs" / "lessons" / f"{slug}.md").write_text(
            f"---\nslug: {slug}\ntitle: {title}\n---\n\n{BODY}", encoding="utf-8"
        )
    report = content.load(db, root)
    db.commit()
    return report


def lessons(db: Session) -> list[Lesson]:
    return list(db.exec(select(Lesson).order_by(col(Lesson.position))).all())


def a_section(db: Session, slug: str, index: int = 1) -> tuple[str, str]:
    """(id, title) of a heading of lesson ``slug``'s table of contents."""
    lesson = db.exec(select(Lesson).where(Lesson.slug == slug)).one()
    entry = lesson.toc[index]
    return entry["id"], entry["title"]


def open_lesson(browser, person: Learner, slug: str) -> None:
    response = browser.get(person.url(f"/c/{person.context_id}/lessons/{slug}"))
    assert response.status_code == 200, response.text[:300]


def report(browser, person: Learner, slug: str, section: str, *, csrf: str | None = None):
    return browser.post(
        person.url(f"/c/{person.context_id}/lessons/{slug}/position"),
        data={"section": section},
        headers={"X-CSRF-Token": person.csrf if csrf is None else csrf},
    )


def position_of(db: Session, person: Learner) -> tuple[int, str] | None:
    db.expire_all()
    row = db.exec(
        select(ReadingPosition).where(
            ReadingPosition.user_id == person.principal.user_id,
            ReadingPosition.context_id == person.context_id,
        )
    ).first()
    return (row.lesson_id, row.section) if row else None


def home(browser, person: Learner) -> Element:
    response = browser.get(person.url(f"/c/{person.context_id}/"))
    assert response.status_code == 200, response.text[:300]
    return parse(response.text)


def continue_link(page: Element) -> Element | None:
    return next(page.find_all("a", id="kw-continue"), None)


def test_opening_a_lesson_makes_it_the_position_and_a_reload_writes_nothing(
    browser, db, learner, app
):
    first, second = lessons(db)[:2]
    open_lesson(browser, learner, first.slug)
    assert position_of(db, learner) == (first.id, "")
    with statements(app.state.engine) as seen:
        open_lesson(browser, learner, first.slug)
    assert [s for s in seen if not s.lstrip().upper().startswith("SELECT")] == []
    open_lesson(browser, learner, second.slug)
    assert position_of(db, learner) == (second.id, "")


def test_the_reported_heading_becomes_the_position_and_the_next_lesson_starts_at_its_top(
    browser, db, learner
):
    first, second = lessons(db)[:2]
    open_lesson(browser, learner, first.slug)
    section, _title = a_section(db, first.slug)
    assert report(browser, learner, first.slug, section).status_code == 204
    assert position_of(db, learner) == (first.id, section)
    open_lesson(browser, learner, first.slug)  # the same lesson again keeps the heading
    assert position_of(db, learner) == (first.id, section)
    open_lesson(browser, learner, second.slug)
    assert position_of(db, learner) == (second.id, "")


@pytest.mark.parametrize("section", ["gibt-es-nicht", "", "x" * 101])
def test_a_heading_not_in_the_lesson_is_refused_and_changes_nothing(browser, db, learner, section):
    first = lessons(db)[0]
    open_lesson(browser, learner, first.slug)
    assert report(browser, learner, first.slug, section).status_code in (400, 404)
    assert position_of(db, learner) == (first.id, "")


def test_a_report_without_the_csrf_token_is_refused(browser, db, learner):
    first = lessons(db)[0]
    section, _ = a_section(db, first.slug)
    assert report(browser, learner, first.slug, section, csrf="falsch").status_code == 403
    assert position_of(db, learner) is None


def test_the_lesson_page_names_its_headings_and_the_script_for_the_report(browser, db, learner):
    first = lessons(db)[0]
    page = parse(browser.get(learner.url(f"/c/{learner.context_id}/lessons/{first.slug}")).text)
    hook = next(el for el in page.iter() if "data-kw-reading-position" in el.attrs)
    assert urlsplit(hook.attrs["data-kw-reading-position"]).path == (
        f"/c/{learner.context_id}/lessons/{first.slug}/position"
    )
    assert a_section(db, first.slug)[0] in (hook.attrs["data-kw-sections"] or "").split()
    scripts = [s.attrs.get("src") or "" for s in page.find_all("script")]
    assert any(urlsplit(src).path == "/static/reading-position.js" for src in scripts)


def test_the_home_links_back_to_the_heading_with_the_progress_beside_it(browser, db, learner):
    first, second = lessons(db)[:2]
    total = len(lessons(db))
    open_lesson(browser, learner, first.slug)
    browser.post(
        learner.url(f"/c/{learner.context_id}/lessons/{first.slug}/read"),
        data={"read": "true", "csrf_token": learner.csrf},
    )
    open_lesson(browser, learner, second.slug)
    section, title = a_section(db, second.slug)
    report(browser, learner, second.slug, section)

    page = home(browser, learner)
    link = continue_link(page)
    assert link is not None
    target = urlsplit(link.attrs["href"] or "")
    assert (target.path, target.fragment) == (
        f"/c/{learner.context_id}/lessons/{second.slug}",
        section,
    )
    card = page.find("section", cls="dash-card--lead")
    assert second.title in card.clean_text and f"„{title}“" in card.clean_text
    progress = page.find("progress", cls="dash-bar")
    assert (progress.attrs["value"], progress.attrs["max"]) == ("1", str(total))
    figure = next(
        el for el in page.find_all("p", cls="dash-card__figure") if "gelesen" in el.clean_text
    )
    assert figure.clean_text == f"1 von {total} Lektionen gelesen"


def test_without_a_position_the_home_offers_the_first_lesson(browser, db, learner):
    page = home(browser, learner)
    link = continue_link(page)
    assert link is not None and "Mit der ersten Lektion beginnen" in link.clean_text
    assert urlsplit(link.attrs["href"] or "").path.endswith(f"/lessons/{lessons(db)[0].slug}")


def test_in_english_the_home_says_it_in_english(browser, db, make_learner: MakeLearner, loaded):
    reader = make_learner(locale="en")
    first = lessons(db)[0]
    open_lesson(browser, reader, first.slug)
    section, title = a_section(db, first.slug)
    report(browser, reader, first.slug, section)
    page = home(browser, reader)
    card = page.find("section", cls="dash-card--lead")
    assert "Continue reading" in card.clean_text and f"section “{title}”" in card.clean_text
    progress = page.find("section", aria_labelledby="kw-progress-home-title")
    assert "0 of 2 lessons read" in progress.clean_text


def test_tutors_and_admins_get_no_reading_card(browser, db, learner, make_learner: MakeLearner):
    context = db.get(LmsContext, learner.context_id)
    for role in (Role.TUTOR, Role.ADMIN):
        staff = make_learner(role=role, context=context)
        open_lesson(browser, staff, lessons(db)[0].slug)
        page = home(browser, staff)
        assert continue_link(page) is None
        assert next(page.find_all("progress"), None) is None


def test_another_lms_courses_learner_neither_sees_nor_moves_this_position(
    browser, db, learner, make_learner: MakeLearner
):
    """The same LMS person in two LMS courses has a position in each; a learner of another
    LMS course cannot report into this one."""
    first, second = lessons(db)[:2]
    open_lesson(browser, learner, second.slug)
    section, _ = a_section(db, second.slug)
    report(browser, learner, second.slug, section)

    stranger = make_learner()  # another platform, another LMS course
    sent = browser.post(
        stranger.url(f"/c/{learner.context_id}/lessons/{second.slug}/position"),
        data={"section": section},
        headers={"X-CSRF-Token": stranger.csrf},
    )
    assert sent.status_code in (403, 404)
    link = continue_link(home(browser, stranger))
    assert link is not None and "Mit der ersten Lektion beginnen" in link.clean_text
    assert position_of(db, stranger) is None
    assert position_of(db, learner) == (second.id, section)
