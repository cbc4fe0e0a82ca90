"""A tutor's weekly capacity (issue 14): each tutor states per LMS course how many
feedbacks a week they can write; the course's pace is the sum over its current tutors.
Bad values are refused with the form shown again and nothing saved; only tutors may."""

from __future__ import annotations

import pytest
from sqlmodel import select

from feedback.promises.load import queue_load
from feedback.promises.models import TutorCapacity
from kurswerk.core.auth import Role
from lti.models import Membership
from tests.feedback.helpers import path, text_of


def save(web, person, value: str, **extra):
    data = {"csrf_token": person.csrf, "per_week": value, **extra}
    return web.post(path(person, "/promises/capacity"), data=data)


def stated(db) -> list[tuple[int, int]]:
    db.expire_all()
    return [(c.user_id, c.per_week) for c in db.exec(select(TutorCapacity)).all()]


def test_a_tutor_states_a_capacity_and_the_course_counts_it(web, db, world):
    page = web.get(path(world.tutor, "/promises/capacity"))
    assert page.status_code == 200 and "keine Kapazität angegeben" in text_of(page)
    response = save(web, world.tutor, "12")
    assert response.status_code == 303 and "saved=1" in response.headers["location"]
    assert save(web, world.tutor, "8").status_code == 303  # changed, still one row
    assert save(web, world.tutor2, "4").status_code == 303
    assert sorted(stated(db)) == sorted(
        [(world.tutor.principal.user_id, 8), (world.tutor2.principal.user_id, 4)]
    )
    assert queue_load(db, world.context.id).weekly_capacity == 12
    shown = text_of(web.get(response.headers["location"]))
    assert "Ihre Angabe ist gespeichert." in shown and "12 Feedbacks pro Woche" in shown


def test_someone_no_longer_a_tutor_does_not_count(web, db, world):
    assert save(web, world.tutor, "10").status_code == 303
    membership = db.exec(
        select(Membership).where(Membership.user_id == world.tutor.principal.user_id)
    ).one()
    membership.role = Role.LEARNER.value
    db.add(membership)
    db.commit()
    assert queue_load(db, world.context.id).weekly_capacity == 0


@pytest.mark.parametrize("value", ["", "abc", "-1", "3.5", "501", "99999"])
def test_a_bad_value_shows_the_form_again_and_saves_nothing(web, db, world, value):
    assert save(web, world.tutor, "7").status_code == 303
    response = save(web, world.tutor, value)
    assert response.status_code == 422
    assert "Bitte geben Sie eine ganze Zahl zwischen 0 und 500 ein." in text_of(response)
    assert 'aria-invalid="true"' in response.text and f'value="{value}"' in response.text
    assert stated(db) == [(world.tutor.principal.user_id, 7)]


@pytest.mark.parametrize("who", ["learner", "admin"])
def test_only_tutors_state_a_capacity(web, db, world, who):
    person = getattr(world, who)
    assert web.get(path(person, "/promises/capacity")).status_code == 403
    assert save(web, person, "5").status_code == 403
    assert stated(db) == []


def test_without_the_csrf_token_nothing_is_saved(web, db, world):
    response = web.post(path(world.tutor, "/promises/capacity"), data={"per_week": "5"})
    assert response.status_code == 403
    assert stated(db) == []
