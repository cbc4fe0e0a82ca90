# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""One name per industry and language everywhere (issue 9 §6): the exercise page's
picker, the receipt page, the learner's list, the receipt mail, the tutor's notice, the
tutor queue (rows and filter), the review page and the deep-link catalog all say "Medien"
in German and "Media" in English - never the other language's name, never a second
wording ("Handelsunternehmen / Filialisten", "b2b")."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlmodel import Session, col, select

from course.content.load import check
from course.deep_link_catalog import CourseDeepLinkCatalog
from course.models import Course
from kurswerk.core.outbox.queue import OutboxMessage
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    CONTENT,
    LESSON,
    course_loaded,
    exercise_id,
    give_package,
    people,
    upload_pdf,
    web,
)

NAMES = {
    "de": {
        "media": "Medien",
        "fmcg": "FMCG (Markenunternehmen)",
        "retail": "Handel (Filialisten)",
        "b2b": "B2B",
    },
    "en": {
        "media": "Media",
        "fmcg": "FMCG (brand manufacturers)",
        "retail": "Retail (chain stores)",
        "b2b": "B2B",
    },
}
FIELD = {"de": "Branche", "en": "Industry"}
IN_MAILS = {"de": "Branche", "en": "industry"}
FOR_INDUSTRY = {"de": "Aufgabe für die Branche", "en": "Task for the industry"}


def _fact(html: str, locale: str) -> list[str]:
    """The "Branche"/"Industry" facts of a page (receipt, review)."""
    return [
        " ".join(v.split()) for v in re.findall(rf"<dt>{FIELD[locale]}</dt><dd>([^<]*)</dd>", html)
    ]


def _mail(db: Session, template: str, to: str) -> OutboxMessage:
    rows = db.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    (row,) = [r for r in rows if r.payload.get("template") == template and r.payload["to"] == to]
    return row


@pytest.mark.parametrize("locale", ["de", "en"])
def test_every_place_names_the_industry_in_the_readers_language(
    web, db: Session, people, locale: str
):
    names = NAMES[locale]
    learner = people.learner(email="lea@example.org", name="Lea Lang", locale=locale)
    give_package(db, learner)
    tutor = people.tutor(email="tom@example.org", name="Tom Tutor", locale=locale)
    ex_id = exercise_id(db)

    exercise = f"/c/{learner.context_id}/lessons/{LESSON}/exercises/leistungen-pruefen"
    form = web.get(learner.url(exercise) + "&industry=media")
    assert form.status_code == 200
    picker = dict(re.findall(r'<label for="kw-industry-(\w+)">([^<]*)</label>', form.text))
    assert picker == names
    heading = re.search(r'id="kw-variant-title">([^<]*)</h2>', form.text)
    assert heading is not None and heading.group(1) == f"{FOR_INDUSTRY[locale]} {names['media']}"

    uploaded = upload_pdf(web, learner, ex_id, industry="media")
    receipt = web.get(uploaded.headers["location"])
    assert receipt.status_code == 200
    assert _fact(receipt.text, locale) == [names["media"]]
    listing = web.get(learner.url(f"/c/{learner.context_id}/submissions"))
    assert re.findall(r"</a></th>\s*<td>([^<]*)</td>", listing.text) == [names["media"]]

    for template, to in (
        ("submission_receipt", "lea@example.org"),
        ("new_submission", "tom@example.org"),
    ):
        payload = _mail(db, template, to).payload
        for part in (payload["text"], payload["html"]):
            assert re.findall(rf"\({IN_MAILS[locale]}: ([^)]*)\)", part) == [names["media"]]

    queue = web.get(tutor.url(f"/c/{tutor.context_id}/queue"))
    assert queue.status_code == 200
    options = re.findall(
        r'<option value="(media|fmcg|retail|b2b)"[^>]*>([^<]*)</option>', queue.text
    )
    assert dict(options) == names
    assert re.findall(r"</span></td>\s*<td>([^<]*)</td>", queue.text) == [names["media"]]
    (review_path,) = set(re.findall(r'href="(/c/\d+/review/\d+)\?', queue.text))
    review = web.get(tutor.url(review_path))
    assert review.status_code == 200
    assert _fact(review.text, locale) == [names["media"]]


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_deep_link_catalog_names_industries_in_the_courses_language(
    db: Session, course_loaded, make_learner, locale: str
):
    """The picker's titles go to the LMS, where the course's learners read them: in the
    course's language (like the forum's title), with the same name as every page."""
    course = db.exec(select(Course)).one()
    course.language = locale
    db.add(course)
    db.flush()
    person = make_learner()
    titles = [
        item.title
        for item in CourseDeepLinkCatalog().items(db, person.context_id)
        if "?industry=" in item.path
    ]
    assert titles and {title.rsplit(" – ", 1)[1] for title in titles} == set(NAMES[locale].values())


def test_a_label_in_the_course_files_is_refused_with_a_clear_problem(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    exercises = next((copy).rglob("exercises/*.yaml"))
    text = exercises.read_text(encoding="utf-8")
    exercises.write_text(
        text.replace("  media:\n", "  media:\n    label: Medien\n", 1), encoding="utf-8"
    )
    problems = [str(p) for p in check(copy)]
    assert any("'label' of industry 'media' is no longer read" in p for p in problems), problems
