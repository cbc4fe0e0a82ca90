# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The tutor's page "Sprechstunden anbieten" over HTTP, in German and English: adding a
one-off slot and a weekly series, withdrawing, every refusal of bad input (nothing
written, the problem at its field), CSRF on every form, who may reach it (not learners,
not into another course, not another tutor's slot), and the link on the course home."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from coaching.office_hours.availability import publish_series, publish_slot, weekday_name
from coaching.office_hours.models import OfficeHourSeries, OfficeHourSlot
from course.content import load as content
from kurswerk.core import clock
from tests.coaching.fixtures import count, get, post
from tests.coaching.office_hours.offer_fixtures import *  # noqa: F403
from tests.coaching.office_hours.offer_fixtures import (
    Learner,
    People,
    all_series,
    at,
    book,
    bookable_day,
    one_off,
    slots,
    weekly,
)
from tests.course.html_tools import parse
from tests.support.pseudo_locale import pseudo_catalogs, unwrapped_text  # noqa: F401

TODAY = clock.local_date(clock.utcnow())


def offer_path(person: Learner, *rest: str) -> str:
    return "/".join([f"/c/{person.context_id}/office-hours/offer", *rest])


def german(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def slot_form(on: date, **changes: str) -> dict[str, str]:
    form = {
        "day": german(on),
        "start": "10:00",
        "duration": "30",
        "form": "video",
        "details": "https://meet.example/tom",
    }
    return {**form, **changes}


def series_form(first: date, last: date, **changes: str) -> dict[str, str]:
    form = {
        "weekday": str(first.weekday()),
        "start": "10:00",
        "duration": "45",
        "first_day": german(first),
        "last_day": german(last),
        "form": "on_site",
        "details": "Raum 2.14",
    }
    return {**form, **changes}


def written(db: Session) -> tuple[int, int]:
    return count(db, OfficeHourSlot), count(db, OfficeHourSeries)


def problems_of(html: str) -> str:
    return parse(html).find(cls="error-summary").clean_text


def invalid_fields(html: str) -> set[str]:
    return {el.attrs["name"] for el in parse(html).find_all(aria_invalid="true")}


# --- The page -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "title", "zone"),
    [
        ("de", "Sprechstunden anbieten", "Zeitzone Europe/Berlin (Mitteleuropäische Zeit)"),
        ("en", "Offer office hours", "time zone Europe/Berlin (Central European Time)"),
    ],
)
def test_the_page_names_the_time_zone_and_lists_the_tutors_slots_with_who_booked_them(
    client: TestClient, db: Session, people: People, make_learner, locale, title, zone
):
    tom = make_learner(context=people.course, role=people.tom.principal.role, locale=locale)
    now = clock.utcnow()
    day = bookable_day()
    free = publish_slot(db, **people.where(tom), wanted=one_off(day, 9), now=now)
    booked = publish_slot(db, **people.where(tom), wanted=one_off(day, 11), now=now)
    publish_slot(db, **people.where(people.tina), wanted=one_off(day, 13), now=now)
    db.commit()
    book(db, booked, people.lena)
    page = get(client, tom, offer_path(tom))
    assert page.status_code == 200
    assert f'<html lang="{locale}">' in page.text
    assert f"<h1>{title}</h1>" in page.text
    assert zone in page.text
    rows = [row.clean_text for row in parse(page.text).find("tbody").find_all("tr")]
    assert len(rows) == 2  # not Tina's
    start = clock.time_of_day(free.starts_at, locale, uhr=False)
    assert start == "09:00" and start in rows[0]
    assert "Lena Lernt" in rows[1] and "Lena Lernt" not in rows[0]
    assert ("gebucht" if locale == "de" else "booked") in rows[1]
    # a booked slot offers no button to withdraw it; a free one does
    assert len(list(parse(page.text).find("tbody").find_all("button"))) == 1


def test_a_tutor_adds_a_one_off_slot_typed_the_german_way(
    client: TestClient, db: Session, people: People
):
    day = bookable_day()
    answer = post(client, people.tom, offer_path(people.tom, "slots"), slot_form(day, start="9.30"))
    assert answer.status_code == 303
    assert "done=slot_added" in answer.headers["location"]
    [slot] = slots(db)
    assert clock.as_utc(slot.starts_at) == at(day, 9, 30)
    assert clock.as_utc(slot.ends_at) == at(day, 10)
    assert (slot.form, slot.details, slot.context_id) == (
        "video",
        "https://meet.example/tom",
        people.tom.context_id,
    )
    page = client.get(answer.headers["location"])
    assert "Der Termin ist eingetragen." in page.text
    assert "09:30–10:00 Uhr" in page.text


def test_a_tutor_adds_a_weekly_series_in_english_with_iso_dates(
    client: TestClient, db: Session, people: People, make_learner
):
    tom = make_learner(context=people.course, role=people.tom.principal.role, locale="en")
    first = bookable_day()
    last = first + timedelta(weeks=3)
    form = series_form(first, last, first_day=first.isoformat(), last_day=last.isoformat())
    answer = post(client, tom, offer_path(tom, "series"), form)
    assert answer.status_code == 303
    [series] = all_series(db)
    assert (series.weekday, series.duration_minutes, series.timezone) == (
        first.weekday(),
        45,
        "Europe/Berlin",
    )
    laid_out = [s for s in slots(db) if not clock.is_public_holiday(clock.local_date(s.starts_at))]
    assert len(laid_out) == len(slots(db)) >= 3
    assert {clock.local(s.starts_at).strftime("%H:%M") for s in slots(db)} == {"10:00"}
    page = client.get(answer.headers["location"])
    assert f"the weekly office hours are set up; {len(slots(db))} slots" in page.text.lower()
    assert clock.day_with_weekday(first, "en").split(",")[0] in page.text  # the weekday


def test_withdrawing_a_slot_and_ending_a_series(client: TestClient, db: Session, people: People):
    now = clock.utcnow()
    day = bookable_day()
    slot = publish_slot(db, **people.where(), wanted=one_off(day, 8), now=now)
    series, _ = publish_series(
        db,
        **people.where(),
        wanted=weekly(day.weekday(), day, day + timedelta(weeks=2)),
        now=now,
        horizon_weeks=12,
    )
    db.commit()
    answer = post(client, people.tom, offer_path(people.tom, "slots", str(slot.id), "withdraw"))
    assert answer.status_code == 303 and "done=slot_withdrawn" in answer.headers["location"]
    answer = post(client, people.tom, offer_path(people.tom, "series", str(series.id), "withdraw"))
    assert answer.status_code == 303 and "done=series_withdrawn" in answer.headers["location"]
    assert slots(db) == []
    assert all_series(db)[0].withdrawn_at is not None
    page = client.get(answer.headers["location"])
    assert "Sie bieten in diesem Kurs noch keine Sprechstunden an." in page.text


# --- Bad input: refused, nothing written, the problem at its field ---------------------------

DAY = bookable_day()
BAD_SLOTS = {
    "duration-too-short": ({"duration": "4"}, "duration", "zwischen 5 und 480"),
    "duration-too-long": ({"duration": "481"}, "duration", "zwischen 5 und 480"),
    "duration-no-number": ({"duration": "eine Stunde"}, "duration", "zwischen 5 und 480"),
    "date-in-the-past": ({"day": german(TODAY - timedelta(days=1))}, "day", "Vergangenheit"),
    "no-date": ({"day": "31.02.2027"}, "day", "kein gültiges Datum"),
    "more-than-a-year-ahead": (
        {"day": german(TODAY + timedelta(days=400))},
        "day",
        "höchstens ein Jahr im Voraus",
    ),
    "unknown-form": ({"form": "carrier-pigeon"}, "form", "wie die Sprechstunde stattfindet"),
    "time-out-of-range": ({"start": "25:00"}, "start", "keine gültige Uhrzeit"),
    "time-without-minutes": ({"start": "10"}, "start", "im Format HH:MM"),
    "no-time": ({"start": ""}, "start", "um wie viel Uhr"),
    "video-without-link": ({"details": "Zoom"}, "details", "Link zum Videogespräch"),
    "details-too-long": ({"details": "https://x.example/" + "a" * 500}, "details", "zu lang"),
}


@pytest.mark.parametrize(("changes", "field", "says"), BAD_SLOTS.values(), ids=BAD_SLOTS.keys())
def test_a_bad_one_off_slot_is_refused_at_its_field(
    client: TestClient, db: Session, people: People, changes: dict[str, str], field, says
):
    answer = post(client, people.tom, offer_path(people.tom, "slots"), slot_form(DAY, **changes))
    assert answer.status_code == 400
    assert says in problems_of(answer.text)
    assert invalid_fields(answer.text) == {field}
    assert written(db) == (0, 0)
    if field in ("day", "start", "duration"):  # the form shows what was typed again
        assert f'name="{field}" type="' in answer.text
        assert f'value="{changes[field]}"' in answer.text


BAD_SERIES = {
    "end-before-start": (
        {"last_day": german(DAY - timedelta(days=1))},
        "last_day",
        "Das Enddatum liegt vor dem Beginn.",
    ),
    "no-such-weekday-in-the-period": (
        {"weekday": str((DAY.weekday() + 3) % 7), "last_day": german(DAY + timedelta(days=1))},
        "weekday",
        "Im gewählten Zeitraum liegt kein",
    ),
    "first-day-in-the-past": (
        {"first_day": german(TODAY - timedelta(days=7))},
        "first_day",
        "Vergangenheit",
    ),
    "more-than-a-year-ahead": (
        {"last_day": german(TODAY + timedelta(days=400))},
        "last_day",
        "höchstens ein Jahr im Voraus",
    ),
    "no-weekday": ({"weekday": "7"}, "weekday", "Bitte wählen Sie einen Wochentag."),
    "duration-out-of-range": ({"duration": "0"}, "duration", "zwischen 5 und 480"),
    "unknown-form": ({"form": "letter"}, "form", "wie die Sprechstunde stattfindet"),
    "on-site-without-place": ({"details": "  "}, "details", "den Ort an"),
}


@pytest.mark.parametrize(("changes", "field", "says"), BAD_SERIES.values(), ids=BAD_SERIES.keys())
def test_a_bad_weekly_series_is_refused_at_its_field(
    client: TestClient, db: Session, people: People, changes: dict[str, str], field, says
):
    form = series_form(DAY, DAY + timedelta(weeks=4), **changes)
    answer = post(client, people.tom, offer_path(people.tom, "series"), form)
    assert answer.status_code == 400
    assert says in problems_of(answer.text)
    assert invalid_fields(answer.text) == {field}
    assert written(db) == (0, 0)


def test_a_refusal_in_english_and_a_clash_is_409(
    client: TestClient, db: Session, people: People, make_learner
):
    tom = make_learner(context=people.course, role=people.tom.principal.role, locale="en")
    iso = DAY.isoformat()
    answer = post(client, tom, offer_path(tom, "slots"), slot_form(DAY, day=iso, start="9:75"))
    assert answer.status_code == 400
    assert "That is not a valid time. Please use HH:MM, for example 14:30." in answer.text
    # a date typed the German way is no date in English (ISO 8601: YYYY-MM-DD)
    german_day = post(client, tom, offer_path(tom, "slots"), slot_form(DAY))
    assert german_day.status_code == 400 and "That is not a valid date" in german_day.text
    assert post(client, tom, offer_path(tom, "slots"), slot_form(DAY, day=iso)).status_code == 303
    again = post(client, tom, offer_path(tom, "slots"), slot_form(DAY, day=iso, start="10:15"))
    assert again.status_code == 409
    assert "You already offer office hours at this time" in problems_of(again.text)
    assert written(db) == (1, 0)


# --- Who may: the tutor, in their course, on their own slots -----------------------------------


def test_withdrawing_another_courses_or_another_tutors_slot_is_not_found(
    client: TestClient, db: Session, people: People
):
    now = clock.utcnow()
    tinas = publish_slot(db, **people.where(people.tina), wanted=one_off(DAY), now=now)
    others = publish_slot(db, **people.where(people.other), wanted=one_off(DAY), now=now)
    series, _ = publish_series(
        db,
        **people.where(people.other),
        wanted=weekly(DAY.weekday(), DAY, DAY + timedelta(weeks=1), hour=14),
        now=now,
        horizon_weeks=12,
    )
    db.commit()
    for slot_id in (tinas.id, others.id, 999_999):
        path = offer_path(people.tom, "slots", str(slot_id), "withdraw")
        assert post(client, people.tom, path).status_code == 404
    path = offer_path(people.tom, "series", str(series.id), "withdraw")
    assert post(client, people.tom, path).status_code == 404
    assert slots(db, withdrawn=True) == [] and all_series(db)[0].withdrawn_at is None


def test_withdrawing_a_booked_slot_is_refused_clearly_and_nothing_is_written(
    client: TestClient, db: Session, people: People
):
    now = clock.utcnow()
    slot = publish_slot(db, **people.where(), wanted=one_off(DAY), now=now)
    series, _ = publish_series(
        db,
        **people.where(),
        wanted=weekly(DAY.weekday(), DAY, DAY + timedelta(weeks=1), hour=14),
        now=now,
        horizon_weeks=12,
    )
    db.commit()
    book(db, slot, people.lena)
    book(db, slots(db)[1], people.lena)  # the series' first slot
    answer = post(client, people.tom, offer_path(people.tom, "slots", str(slot.id), "withdraw"))
    assert answer.status_code == 409
    assert "Dieser Termin ist gebucht (von Lena Lernt)." in problems_of(answer.text)
    path = offer_path(people.tom, "series", str(series.id), "withdraw")
    answer = post(client, people.tom, path)
    assert answer.status_code == 409
    assert "In dieser Serie ist der Termin am" in problems_of(answer.text)
    assert slots(db, withdrawn=True) == [] and all_series(db)[0].withdrawn_at is None


FORMS = {
    "slot": lambda p, db: (offer_path(p, "slots"), slot_form(DAY)),
    "series": lambda p, db: (offer_path(p, "series"), series_form(DAY, DAY + timedelta(weeks=1))),
    "slot-withdraw": lambda p, db: (
        offer_path(p, "slots", str(_a_slot(db, p).id), "withdraw"),
        {},
    ),
    "series-withdraw": lambda p, db: (
        offer_path(p, "series", str(_a_series(db, p).id), "withdraw"),
        {},
    ),
}


def _a_slot(db: Session, person: Learner) -> OfficeHourSlot:
    where = {"context_id": person.context_id, "tutor_user_id": person.principal.user_id}
    slot = publish_slot(db, **where, wanted=one_off(DAY, 7), now=clock.utcnow())
    db.commit()
    return slot


def _a_series(db: Session, person: Learner) -> OfficeHourSeries:
    where = {"context_id": person.context_id, "tutor_user_id": person.principal.user_id}
    wanted = weekly(DAY.weekday(), DAY, DAY, hour=18)
    series, _ = publish_series(db, **where, wanted=wanted, now=clock.utcnow(), horizon_weeks=12)
    db.commit()
    return series


def _state(db: Session) -> tuple[Any, ...]:
    db.expire_all()
    return (*written(db), len(slots(db, withdrawn=True)), [s.withdrawn_at for s in all_series(db)])


@pytest.mark.parametrize("which", FORMS, ids=FORMS.keys())
@pytest.mark.parametrize("csrf", [None, "forged"], ids=["no-token", "forged-token"])
def test_every_form_checks_the_csrf_token(
    client: TestClient, db: Session, people: People, which: str, csrf: str | None
):
    path, form = FORMS[which](people.tom, db)
    before = _state(db)
    assert post(client, people.tom, path, form, csrf=csrf).status_code == 403
    assert _state(db) == before


@pytest.mark.parametrize("which", FORMS, ids=FORMS.keys())
def test_a_tutor_of_another_course_cannot_publish_or_withdraw_here(
    client: TestClient, db: Session, people: People, which: str
):
    """Otto, a tutor of another course, posts to this course's paths (with his own valid
    token): refused before anything is read."""
    path, form = FORMS[which](people.tom, db)
    before = _state(db)
    answer = client.post(people.other.url(path), data={**form, "csrf_token": people.other.csrf})
    assert answer.status_code == 403
    assert _state(db) == before


@pytest.mark.parametrize("which", FORMS, ids=FORMS.keys())
def test_learners_cannot_reach_the_page_nor_its_forms(
    client: TestClient, db: Session, people: People, which: str
):
    assert get(client, people.lena, offer_path(people.lena)).status_code == 403
    path, form = FORMS[which](people.tom, db)
    before = _state(db)
    assert post(client, people.lena, path, form).status_code == 403
    assert _state(db) == before


def test_the_course_home_links_tutors_to_the_page_and_not_learners(
    client: TestClient, db: Session, people: People
):
    content.load(db, Path(__file__).resolve().parents[3] / "content")
    db.commit()
    link = f'href="{offer_path(people.tom)}?'
    home = get(client, people.tom, f"/c/{people.tom.context_id}/")
    assert home.status_code == 200 and link in home.text and "Sprechstunden anbieten" in home.text
    home = get(client, people.lena, f"/c/{people.lena.context_id}/")
    assert home.status_code == 200 and link not in home.text


def test_the_page_speaks_a_language_added_only_as_a_catalog(
    client: TestClient, db: Session, people: People, make_learner, pseudo_catalogs
):
    tom = make_learner(context=people.course, role=people.tom.principal.role, locale="qps")
    now = clock.utcnow()
    slot = publish_slot(db, **people.where(tom), wanted=one_off(DAY, 9), now=now)
    publish_series(
        db,
        **people.where(tom),
        wanted=weekly(DAY.weekday(), DAY, DAY + timedelta(weeks=2), hour=15),
        now=now,
        horizon_weeks=12,
    )
    db.commit()
    book(db, slot, people.lena)
    page = get(client, tom, offer_path(tom))
    assert page.status_code == 200
    refused = post(client, tom, offer_path(tom, "series"), series_form(DAY, DAY, weekday="9"))
    assert refused.status_code == 400
    # data, and what Babel writes for the pseudo-locale (its English names)
    data = ["Lena Lernt", "https://meet.example/tom", "Europe/Berlin", "Central European Time"]
    data += [clock.day_with_weekday(DAY + timedelta(days=n), "qps", short=True) for n in (0, 7, 14)]
    data += [clock.date_text(DAY + timedelta(days=n), "qps") for n in (0, 14)]
    data += [weekday_name(n, "qps") for n in range(7)]
    for html in (page.text, refused.text):
        assert unwrapped_text(html, tuple(data)) == []
