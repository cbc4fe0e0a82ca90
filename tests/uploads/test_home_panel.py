# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The learner's submissions on the course home (issue 15): the latest with their status
in words and the promised feedback date in force, each a link to its page; nobody else's,
nothing for tutors and admins, in German and English."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from kurswerk.core.clock import utcnow, weekday_day_month
from tests.feedback.conftest import (  # noqa: F401 - fixtures
    World,
    course,
    make_submission,
    storage,
    web,
    world,
)
from tests.support.homes import card, home_of, promise
from tests.support.people import make_learner  # noqa: F401 - fixture
from uploads.home_panel import SHOWN
from uploads.models import SubmissionStatus


def lines(page) -> list[str]:
    section = card(page, "kw-my-submissions-title")
    assert section is not None
    return [li.clean_text for li in section.find_all("li", cls="dash-list__item")]


def test_the_latest_submissions_with_status_and_promised_date(
    web, db, world: World, make_submission
):
    old = make_submission(
        world.learner, submitted_at=utcnow() - timedelta(days=9),
        status=SubmissionStatus.FEEDBACK_RELEASED,
    )  # fmt: skip
    new = make_submission(world.learner, industry="b2b")
    due = promise(db, new)
    make_submission(world.learner2)  # someone else's
    make_submission(world.other_learner)  # another LMS course's
    page = home_of(web, world.learner)
    shown = lines(page)
    assert len(shown) == 2
    assert "eingereicht" in shown[0] and f"Feedback bis {weekday_day_month(due)}" in shown[0]
    assert "Feedback erhalten" in shown[1] and "Feedback ist da" in shown[1]
    links = [
        urlsplit(a.attrs["href"] or "").path
        for a in card(page, "kw-my-submissions-title").find_all("a", cls="dash-list__title")
    ]
    base = f"/c/{world.learner.context_id}/submissions"
    assert links == [f"{base}/{new.id}", f"{base}/{old.id}"]


def test_only_the_latest_are_listed_with_the_way_to_all(web, db, world: World, make_submission):
    for index, industry in enumerate(("media", "b2b", "fmcg", "retail", "media", "b2b")):
        exercise = "leistungen-pruefen" if index < 4 else "art-der-kundenbeziehung"
        make_submission(
            world.learner, industry=industry, exercise=exercise,
            submitted_at=utcnow() - timedelta(hours=index),
        )  # fmt: skip
    page = home_of(web, world.learner)
    assert len(lines(page)) == SHOWN
    assert "Alle 6 Einreichungen im Überblick" in card(page, "kw-my-submissions-title").clean_text


def test_no_card_before_the_first_submission_and_none_for_staff(
    web, db, world: World, make_submission
):
    assert card(home_of(web, world.learner), "kw-my-submissions-title") is None
    make_submission(world.learner)
    for staff in (world.tutor, world.admin):
        assert card(home_of(web, staff), "kw-my-submissions-title") is None


def test_in_english_the_list_is_english(web, db, world: World, make_learner, make_submission):
    reader = make_learner(context=world.context, locale="en")
    due = promise(db, make_submission(reader))
    [line] = lines(home_of(web, reader))
    assert "submitted" in line and f"Feedback by {weekday_day_month(due, 'en')}" in line
