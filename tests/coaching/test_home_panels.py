# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The coaching room's cards on the course home (issue 15): a learner's package (what is
left of it, until when; without one, what a package offers), their next office hour, and
for admins the packages' use in their LMS course - right per role, another LMS course's
grants and bookings never counted, in German and English."""

from __future__ import annotations

from datetime import date, timedelta

from kurswerk.core.auth import Role
from tests.feedback.conftest import (  # noqa: F401 - fixtures
    World,
    course,
    make_submission,
    storage,
    web,
    world,
)
from tests.support.homes import book, card, figures, grant, home_of
from tests.support.people import make_learner  # noqa: F401 - fixture


def test_a_package_holder_sees_what_is_left_and_until_when(web, db, world: World, make_submission):
    given = grant(db, world.learner, quota=3, hours=2, until=date(2099, 3, 31))
    make_submission(world.learner)
    book(db, world.learner, world.tutor, given)
    book(db, world.learner, world.tutor, given, status="cancelled", spends=False)
    page = home_of(web, world.learner)
    package = card(page, "kw-package-title")
    assert package is not None
    assert figures(package) == ["2 von 3 Einreichungen mit Feedback frei"]
    assert "gültig bis 31.03.2099" in package.clean_text
    hours = card(page, "kw-hours-title")
    assert hours is not None
    assert figures(hours) == ["1 von 2 Sprechstunden frei"]
    assert hours.find("h2").clean_text.startswith("Sprechstunden im ")


def test_an_unlimited_package_counts_what_was_used(web, db, world: World, make_submission):
    grant(db, world.learner, quota=None, hours=0)
    make_submission(world.learner)
    make_submission(world.learner, industry="b2b")
    page = home_of(web, world.learner)
    assert figures(card(page, "kw-package-title")) == [
        "2 Einreichungen mit Feedback, ohne Obergrenze"
    ]
    assert "ohne Enddatum" in card(page, "kw-package-title").clean_text
    assert card(page, "kw-hours-title") is None  # a package without office hours


def test_without_a_package_the_card_says_what_one_offers(web, db, world: World):
    page = home_of(web, world.learner)
    offer = card(page, "kw-package-title")
    assert offer is not None and figures(offer) == []
    assert "Mit einem Coachingpaket erhalten Sie schriftliches Feedback" in offer.clean_text


def test_an_expired_or_other_courses_package_is_not_the_learners(
    web, db, world: World, make_learner
):
    grant(db, world.learner, until=date.today() - timedelta(days=2))
    grant(db, world.other_learner, quota=9)
    page = home_of(web, world.learner)
    assert figures(card(page, "kw-package-title")) == []


def test_the_next_booked_office_hour_with_its_tutor(web, db, world: World):
    given = grant(db, world.learner)
    book(db, world.learner, world.tutor, given, starts_in=timedelta(days=5))
    book(db, world.learner, world.tutor2, given, starts_in=timedelta(days=1), status="cancelled")
    book(db, world.learner, world.tutor2, given, starts_in=-timedelta(days=1), status="held")
    next_one = book(db, world.learner, world.tutor2, given, starts_in=timedelta(days=3))
    other = grant(db, world.other_learner)
    book(db, world.other_learner, world.other_tutor, other, starts_in=timedelta(hours=3))
    page = home_of(web, world.learner)
    hour = card(page, "kw-next-hour-title")
    assert hour is not None
    assert "mit Theo Tutor · Videogespräch" in hour.clean_text
    shown = hour.find("time").attrs["datetime"] or ""
    assert shown.startswith(next_one.starts_at.isoformat()[:16])


def test_without_a_booking_there_is_no_office_hour_card(web, db, world: World):
    grant(db, world.learner)
    assert card(home_of(web, world.learner), "kw-next-hour-title") is None


def test_an_admin_sees_the_packages_use_of_their_course_only(
    web, db, world: World, make_submission
):
    lena = grant(db, world.learner, quota=3, hours=2)
    grant(db, world.learner2, quota=5, hours=1)
    make_submission(world.learner)
    make_submission(world.learner2)
    make_submission(world.learner2, industry="b2b")
    book(db, world.learner, world.tutor, lena)
    book(db, world.learner, world.tutor, lena, month="2000-01")  # another month
    other = grant(db, world.other_learner, quota=50, hours=9)
    make_submission(world.other_learner)
    book(db, world.other_learner, world.other_tutor, other)

    use = card(home_of(web, world.admin), "kw-packages-use-title")
    assert use is not None
    assert figures(use) == [
        "2 Personen mit gültigem Paket",
        "3 von 8 Einreichungen mit Feedback genutzt",
        "1 von 3 Sprechstunden genutzt",
    ]


def test_an_unlimited_package_makes_the_allowance_unlimited(web, db, world: World):
    grant(db, world.learner, quota=3)
    grant(db, world.learner2, quota=None)
    use = card(home_of(web, world.admin), "kw-packages-use-title")
    assert "0 von unbegrenzt Einreichungen mit Feedback genutzt" in figures(use)


def test_learners_see_no_admin_card_and_tutors_and_admins_no_learners_cards(web, db, world: World):
    grant(db, world.learner)
    learner_page = home_of(web, world.learner)
    assert card(learner_page, "kw-packages-use-title") is None
    for staff in (world.tutor, world.admin):
        page = home_of(web, staff)
        assert card(page, "kw-package-title") is None
        assert card(page, "kw-hours-title") is None
    assert card(home_of(web, world.tutor), "kw-packages-use-title") is None


def test_in_english_the_cards_are_english(web, db, world: World, make_learner, make_submission):
    reader = make_learner(context=world.context, locale="en")
    given = grant(db, reader, quota=3, hours=2)
    book(db, reader, world.tutor, given)
    page = home_of(web, reader)
    assert figures(card(page, "kw-package-title")) == ["3 of 3 submissions with feedback left"]
    assert figures(card(page, "kw-hours-title")) == ["1 of 2 office hours left"]
    assert "with Tilda Tutorin · Video call" in card(page, "kw-next-hour-title").clean_text
    admin = make_learner(context=world.context, role=Role.ADMIN, locale="en")
    use = card(home_of(web, admin), "kw-packages-use-title")
    assert "1 person with a valid package" in figures(use)
