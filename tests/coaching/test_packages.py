"""Coaching packages: admins create, edit, archive and restore them in the tool; every
change is logged; hostile input is answered in German and stores nothing; nobody but the
platform's admins reaches them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from coaching.common import describe
from coaching.models import CoachingPackage
from coaching.packages import parse_package_form
from kurswerk.core.auth import Role
from tests.coaching.fixtures import *  # noqa: F403
from tests.coaching.fixtures import (
    Site,
    audit_log,
    count,
    get,
    make_package,
    post,
    snapshot,
)
from tests.course.html_tools import Element, parse

GOOD = {
    "name": "Coaching Plus",
    "description": "Feedback auf **fünf** Übungen.",
    "quota_kind": "limited",
    "feedback_quota": "5",
    "office_hours_per_month": "2",
    "valid_from": "2026-01-01",
    "valid_until": "31.12.2027",
}


def page(response) -> Element:
    return parse(response.text)


def summary_texts(response) -> list[str]:
    box = page(response).find(cls="error-summary")
    return [li.clean_text for li in box.find_all("li")]


def test_an_admin_creates_a_package_and_the_log_says_who_and_what(client, db: Session, site: Site):
    response = post(client, site.admin, site.base + "/packages", GOOD)
    assert response.status_code == 303
    package = db.exec(select(CoachingPackage)).one()
    assert package.name == "Coaching Plus"
    assert package.feedback_quota == 5 and package.office_hours_per_month == 2
    assert str(package.valid_from) == "2026-01-01" and str(package.valid_until) == "2027-12-31"
    assert package.platform_id == site.platform.id
    assert response.headers["location"].startswith(f"{site.base}/packages/{package.id}?")

    [entry] = audit_log(db)
    assert entry.action == "package_created"
    assert entry.actor_label == "Ada Admin" and entry.actor_user_id == site.admin.principal.user_id
    assert entry.package_id == package.id and entry.platform_id == site.platform.id
    assert entry.detail["before"] is None
    assert entry.detail["after"]["feedback_quota"] == 5
    assert entry.detail["source"] == "web"

    shown = get(client, site.admin, response.headers["location"])
    assert "Das Paket wurde angelegt." in shown.text
    assert "Paket angelegt" in shown.text  # its history


def test_unlimited_feedback_is_stored_as_no_quota(client, db: Session, site: Site):
    post(client, site.admin, site.base + "/packages", {**GOOD, "quota_kind": "unlimited"})
    package = db.exec(select(CoachingPackage)).one()
    assert package.feedback_quota is None
    listing = get(client, site.admin, site.base)
    assert "unbegrenzt" in listing.text


def test_editing_logs_before_and_after_and_an_unchanged_save_logs_nothing(
    client, db: Session, site: Site
):
    package = make_package(db, site.platform.id, name="Basis", feedback_quota=3)
    path = f"{site.base}/packages/{package.id}"
    form = {**GOOD, "name": "Basis", "feedback_quota": "4", "valid_from": "", "valid_until": ""}
    assert post(client, site.admin, path, form).status_code == 303
    [entry] = audit_log(db)
    assert entry.action == "package_updated"
    assert entry.detail["before"]["feedback_quota"] == 3
    assert entry.detail["after"]["feedback_quota"] == 4

    again = post(client, site.admin, path, form)
    assert "done=package_unchanged" in again.headers["location"]
    assert len(audit_log(db)) == 1


def test_archive_and_restore_are_logged_and_shown(client, db: Session, site: Site):
    package = make_package(db, site.platform.id)
    path = f"{site.base}/packages/{package.id}"
    assert post(client, site.admin, path + "/archive").status_code == 303
    db.refresh(package)
    assert package.archived_at is not None
    listing = get(client, site.admin, site.base)
    assert "Archivierte Pakete" in listing.text
    # archiving twice changes nothing and logs nothing more
    post(client, site.admin, path + "/archive")
    assert post(client, site.admin, path + "/restore").status_code == 303
    db.refresh(package)
    assert package.archived_at is None
    assert [e.action for e in audit_log(db)] == ["package_archived", "package_restored"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Bitte geben Sie einen Namen ein."),
        ("name", "x" * 10_000, "Der Name darf höchstens 200 Zeichen lang sein."),
        ("name", "\u202e\u200b  ", "Bitte geben Sie einen Namen ein."),  # only invisible
        ("description", "y" * 6000, "Die Beschreibung darf höchstens 5000 Zeichen lang sein."),
        ("feedback_quota", "-3", "Die Zahl darf nicht negativ sein."),
        ("feedback_quota", "drei", "Bitte geben Sie eine ganze Zahl ein, zum Beispiel 3."),
        ("feedback_quota", "2.5", "Bitte geben Sie eine ganze Zahl ein, zum Beispiel 3."),
        ("feedback_quota", "1e9", "Bitte geben Sie eine ganze Zahl ein, zum Beispiel 3."),
        ("feedback_quota", "99999999999999999999", "Bitte geben Sie eine ganze Zahl ein"),
        ("feedback_quota", "1001", "Die Zahl darf höchstens 1000 sein."),
        ("feedback_quota", "", "Bitte geben Sie eine Zahl ein."),
        ("office_hours_per_month", "-1", "Die Zahl darf nicht negativ sein."),
        ("quota_kind", "lots", "Bitte wählen Sie „Begrenzt“ oder „unbegrenzt“."),
        ("valid_until", "2026-02-30", "Das ist kein gültiges Datum."),
        ("valid_until", "morgen", "Das ist kein gültiges Datum."),
        ("valid_until", "01.01.1900", "Das ist kein gültiges Datum."),
        ("valid_until", "2025-12-31", "Das Enddatum liegt vor dem Beginn."),
    ],
)
def test_hostile_package_input_is_refused_in_german_and_stores_nothing(
    client, db: Session, site: Site, field: str, value: str, message: str
):
    before = snapshot(db)
    response = post(client, site.admin, site.base + "/packages", {**GOOD, field: value})
    assert response.status_code == 400
    texts = summary_texts(response)
    assert any(message in text for text in texts), texts
    # the summary links to the field, which is marked invalid and keeps the typed value
    html = page(response)
    link = html.find(cls="error-summary").find("a")
    target = html.find(id=(link.attrs["href"] or "")[1:])
    assert target.attrs.get("aria-invalid") == "true"
    assert (target.attrs.get("aria-describedby") or "").endswith("-error")
    assert snapshot(db) == before


def test_every_problem_is_reported_at_once(db: Session):
    with pytest.raises(Exception) as refused:
        parse_package_form(
            {"name": "", "quota_kind": "limited", "feedback_quota": "-1"}, locale="de"
        )
    keys = [p.message for p in refused.value.problems]  # type: ignore[attr-defined]
    assert keys == ["Bitte geben Sie einen Namen ein.", "Die Zahl darf nicht negativ sein."]
    assert describe(refused.value.problems[0], "en") == "Please enter a name."  # type: ignore[attr-defined]


def test_names_are_unique_per_platform_regardless_of_case(
    client, db: Session, site: Site, other_site: Site
):
    make_package(db, site.platform.id, name="Coaching Plus")
    make_package(db, other_site.platform.id, name="Nur woanders")
    before = snapshot(db)
    response = post(
        client, site.admin, site.base + "/packages", {**GOOD, "name": " coaching  PLUS "}
    )
    assert response.status_code == 409
    assert "Ein Paket mit diesem Namen gibt es schon" in summary_texts(response)[0]
    assert snapshot(db) == before
    # another platform's names do not count
    ok = post(client, site.admin, site.base + "/packages", {**GOOD, "name": "Nur woanders"})
    assert ok.status_code == 303


def test_renaming_onto_another_package_is_refused(client, db: Session, site: Site):
    make_package(db, site.platform.id, name="Basis")
    plus = make_package(db, site.platform.id, name="Plus")
    response = post(
        client, site.admin, f"{site.base}/packages/{plus.id}", {**GOOD, "name": "BASIS"}
    )
    assert response.status_code == 409
    db.refresh(plus)
    assert plus.name == "Plus" and audit_log(db) == []


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TUTOR])
def test_learners_and_tutors_cannot_reach_the_package_pages(
    client, db: Session, site: Site, make_learner, role: Role
):
    person = make_learner(context=site.course, role=role)
    package = make_package(db, site.platform.id)
    base = site.base
    for path in ["", "/packages/new", f"/packages/{package.id}", "/grants", "/import", "/audit"]:
        assert get(client, person, base + path).status_code == 403, path
    before = snapshot(db)
    for path, data in [
        ("/packages", GOOD),
        (f"/packages/{package.id}", GOOD),
        (f"/packages/{package.id}/archive", {}),
    ]:
        assert post(client, person, base + path, data).status_code == 403, path
    assert snapshot(db) == before


def test_an_admin_of_another_platform_cannot_see_or_change_these_packages(
    client, db: Session, site: Site, other_site: Site
):
    package = make_package(db, site.platform.id, name="Geheim")
    theirs = other_site.base
    assert "Geheim" not in get(client, other_site.admin, theirs).text
    assert get(client, other_site.admin, f"{theirs}/packages/{package.id}").status_code == 404
    before = snapshot(db)
    for path in [f"/packages/{package.id}", f"/packages/{package.id}/archive"]:
        response = post(client, other_site.admin, theirs + path, GOOD)
        assert response.status_code == 404, path
        assert "Dieses Paket gibt es nicht." in response.text
    assert snapshot(db) == before
    # and their session does not open our course's pages at all
    assert get(client, other_site.admin, site.base).status_code == 403


def test_a_package_id_that_does_not_exist_or_is_out_of_range_is_not_found(client, site: Site):
    assert get(client, site.admin, f"{site.base}/packages/999999").status_code == 404
    assert get(client, site.admin, f"{site.base}/packages/99999999999999").status_code == 400
    assert get(client, site.admin, f"{site.base}/packages/abc").status_code == 400


@pytest.mark.parametrize("csrf", [None, "forged", "0" * 64])
def test_package_forms_need_the_csrf_token(client, db: Session, site: Site, csrf):
    package = make_package(db, site.platform.id)
    before = snapshot(db)
    for path in [
        "/packages",
        f"/packages/{package.id}",
        f"/packages/{package.id}/archive",
        f"/packages/{package.id}/restore",
    ]:
        response = post(client, site.admin, site.base + path, GOOD, csrf=csrf)
        assert response.status_code == 403, path
        assert "Das Formular ist abgelaufen" in response.text
    assert snapshot(db) == before


def test_another_sessions_csrf_token_is_refused(client, db: Session, site: Site, make_learner):
    other_admin = make_learner(context=site.course, role=Role.ADMIN)
    response = post(client, site.admin, site.base + "/packages", GOOD, csrf=other_admin.csrf)
    assert response.status_code == 403
    assert count(db, CoachingPackage) == 0


def test_every_form_on_the_package_pages_carries_the_csrf_field(client, db: Session, site: Site):
    package = make_package(db, site.platform.id)
    for path in ["/packages/new", f"/packages/{package.id}"]:
        forms = list(page(get(client, site.admin, site.base + path)).find_all("form"))
        assert forms
        for form in forms:
            field = form.find("input", name="csrf_token")
            assert field.attrs["value"] == site.admin.csrf, form.attrs.get("action")


def _date_field(response, name: str) -> tuple[str, str, str]:
    field = page(response).find("input", id=f"pkg-{name}")
    hint = page(response).find(id=f"pkg-{name}-hint")
    return field.attrs["type"], field.attrs["value"], hint.clean_text


def test_date_fields_read_in_the_pages_language(client, db: Session, site: Site, make_learner):
    make_package(db, site.platform.id, name="Basis", valid_until=date(2027, 12, 31))
    package = db.exec(select(CoachingPackage)).one()
    german = get(client, site.admin, f"{site.base}/packages/{package.id}")
    assert _date_field(german, "valid_until") == (
        "text",
        "31.12.2027",
        "Format: TT.MM.JJJJ, zum Beispiel 31.12.2026.",
    )
    english_admin = make_learner(
        context=site.course, role=Role.ADMIN, name="Eve Admin", locale="en"
    )
    english = get(client, english_admin, f"{site.base}/packages/{package.id}")
    assert _date_field(english, "valid_until") == (
        "text",
        "2027-12-31",
        "Format: YYYY-MM-DD, for example 2026-12-31.",
    )


def test_a_date_in_another_pattern_is_refused_naming_the_pages_pattern(
    client, db: Session, site: Site
):
    response = post(
        client, site.admin, site.base + "/packages", {**GOOD, "valid_until": "12/31/2027"}
    )
    assert response.status_code == 400
    assert summary_texts(response) == [
        "Das ist kein gültiges Datum. Bitte im Format TT.MM.JJJJ, zum Beispiel 31.12.2026."
    ]
    assert count(db, CoachingPackage) == 0


def _office_hours_hint(response) -> str:
    return page(response).find(id="pkg-office_hours_per_month-hint").clean_text


def test_the_office_hours_field_says_what_holders_can_book_not_that_booking_comes_later(
    client, db: Session, site: Site, make_learner
):
    german = get(client, site.admin, site.base + "/packages/new")
    assert _office_hours_hint(german) == (
        "So viele Sprechstunden können Teilnehmende mit diesem Paket je Monat bei den "
        "Tutor:innen des Kurses buchen; jede zählt für den Monat, in dem sie stattfindet. "
        "0, wenn keine Sprechstunden dazugehören."
    )
    assert "folgt" not in german.text
    english_admin = make_learner(
        context=site.course, role=Role.ADMIN, name="Eve Admin", locale="en"
    )
    english = get(client, english_admin, site.base + "/packages/new")
    assert _office_hours_hint(english) == (
        "How many office hours a month learners with this package can book with the "
        "course's tutors; each counts for the month in which it takes place. "
        "0 if no office hours are included."
    )
    assert "later" not in english.text
