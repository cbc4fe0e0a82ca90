# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The feedback pages speak a language added only as a catalog (the pseudo-locale): every
text on them comes from the catalog, apart from data (names, titles, files, dates)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from babel import Locale
from sqlmodel import Session, select

from course.models import CourseIndustry, Exercise, Lesson
from feedback.drafts import FEEDBACK_MAX_CHARS
from feedback.routes import learner as learner_views
from kurswerk.core.auth import Role
from kurswerk.core.clock import format_locale, utcnow
from lti.ags import AGS_SCOPES
from lti.models import ContextServices
from tests.feedback.helpers import attach, claim, path, save, write_and_release
from tests.feedback.test_panel import View, request_as
from tests.support.pseudo_locale import pseudo_catalogs, unwrapped_text  # noqa: F401

BODY = "Gut gegliedert"


@pytest.fixture
def people(world, make_learner, pseudo_catalogs):
    """A tutor, a second tutor and a learner of the course, all reading the pseudo-locale."""

    def person(role: Role, name: str):
        return make_learner(context=world.context, role=role, locale=pseudo_catalogs, name=name)

    return (
        person(Role.TUTOR, "Paula Pseudo"),
        person(Role.TUTOR, "Quirin Quelle"),
        person(Role.LEARNER, "Rita Rand"),
    )


def _data(db: Session, *names: str) -> tuple[str, ...]:
    """What the pages show as it is stored or formatted, not as a text of Kurswerk: people,
    the course's content, file names, the feedback itself, dates (Babel's month and day
    names) and file size units."""
    content = [row.title for row in db.exec(select(Lesson)).all()]
    content += [row.title for row in db.exec(select(Exercise)).all()]
    industries = db.exec(select(CourseIndustry)).all()
    content += [name for row in industries for name in row.names.values()]
    where: Locale = format_locale("qps")
    calendar = [*where.months["format"]["abbreviated"].values()]
    calendar += [*where.days["format"]["abbreviated"].values()]
    files = ("Lösung v1.pdf", "Lösung v2.pdf", "feedback.pdf", "KB", "MB")
    return (*names, *content, *files, BODY, *calendar)


def _speaks(page, data: tuple[str, ...], status: int = 200) -> None:
    assert page.status_code == status, page.text
    assert '<html lang="qps">' in page.text
    assert unwrapped_text(page.text, data) == []


def test_the_queue(web, db, world, people, make_submission):
    # a course whose grades reach the LMS: no note about the gradebook (the LMS room's text)
    services = ContextServices(
        context_id=world.context.id,
        lineitems_url="https://lms.example/api/lineitems",
        ags_scopes=" ".join(AGS_SCOPES),
    )
    db.add(services)
    db.commit()
    tutor, other, learner = people
    make_submission(learner, submitted_at=utcnow() - timedelta(days=20))  # overdue
    make_submission(learner, industry="retail", versions=2)
    held = make_submission(world.learner2)
    claim(web, other, held.id)
    released = make_submission(world.learner)
    write_and_release(web, tutor, released.id, BODY)
    data = _data(db, tutor.principal.name, other.principal.name, learner.principal.name)
    data += (world.learner.principal.name, world.learner2.principal.name)
    for status in ("open", "all", "feedback_released"):
        page = web.get(path(tutor, f"/queue?status={status}"))
        _speaks(page, data)
        assert learner.principal.name in page.text or status == "feedback_released"
    _speaks(web.get(path(tutor, "/queue?industry=none")), data, status=400)  # a bad filter


def test_the_review_page_while_writing(web, db, people, make_submission, pdf_for_feedback):
    tutor, other, learner = people
    submission = make_submission(learner, versions=2, note="Bitte auf den Aufbau achten")
    claim(web, tutor, submission.id)
    save(web, tutor, submission.id, BODY)
    attach(web, tutor, submission.id, pdf_for_feedback)
    data = _data(db, tutor.principal.name, other.principal.name, learner.principal.name)
    data += ("Bitte auf den Aufbau achten",)
    for rest in ("", "?preview=1&done=saved", "?done=claimed", "?done=taken_over"):
        _speaks(web.get(path(tutor, f"/review/{submission.id}{rest}")), data)
    # someone else's claim, and the refusal of an edit
    _speaks(web.get(path(other, f"/review/{submission.id}")), data)
    too_long = save(web, tutor, submission.id, "x" * (FEEDBACK_MAX_CHARS + 1))
    _speaks(too_long, (*data, "x" * (FEEDBACK_MAX_CHARS + 1)), status=422)


def test_the_review_page_once_released(web, db, people, make_submission):
    tutor, _, learner = people
    submission = make_submission(learner)
    write_and_release(web, tutor, submission.id, BODY)
    data = _data(db, tutor.principal.name, learner.principal.name)
    _speaks(web.get(path(tutor, f"/review/{submission.id}?done=released")), data)


def test_the_learner_pages(app, web, db, people, make_submission):
    tutor, _, learner = people
    pending = make_submission(learner, industry="retail")
    released = make_submission(learner)
    write_and_release(web, tutor, released.id, BODY)
    data = _data(db, tutor.principal.name, learner.principal.name)
    _speaks(web.get(path(learner, f"/feedback/{pending.id}")), data)
    _speaks(web.get(path(learner, f"/feedback/{released.id}")), data)
    db.expire_all()
    panel = learner_views.feedback_panel(
        request_as(app, learner), db, learner.principal, View(released.id)
    )
    assert panel is not None
    assert unwrapped_text(f'<html lang="qps">{panel}</html>', data) == []


def test_a_gradebook_review_with_nothing_to_show(web, db, people):
    tutor, _, learner = people
    exercise = db.exec(select(Exercise)).first()
    assert exercise is not None
    data = _data(db, learner.principal.name)
    for person in (tutor, learner):
        missing = f"/submission-review/{learner.principal.user_id}?exercise={exercise.id}"
        _speaks(web.get(path(person, missing)), data)
        _speaks(web.get(path(person, f"/submission-review/{learner.principal.user_id}")), data)


def test_a_submission_that_is_not_there(web, db, people):
    tutor, _, _ = people
    _speaks(web.get(path(tutor, "/review/999999")), _data(db), status=404)
