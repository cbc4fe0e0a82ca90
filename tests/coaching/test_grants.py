"""Grants: an admin gives a package to a course member or to an email before the first
launch (bound when the person arrives), revokes and extends it; each change is logged;
learners see their own status; nobody reaches another course's or platform's grants."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from coaching.common import Actor, CoachingRefused, coaching_summary
from coaching.grants.changes import grant_package, lock_course_grants, record_grants
from coaching.grants.grantees import Grantee, grantee_by_email, grantee_by_user
from coaching.models import CoachingGrant, CoachingPackage
from kurswerk.core.auth import Role
from kurswerk.core.clock import utcnow
from kurswerk.core.db import new_session
from lti.models import LmsContext
from tests.coaching.fixtures import *  # noqa: F403
from tests.coaching.fixtures import (
    TODAY,
    Site,
    audit_log,
    get,
    make_package,
    post,
    snapshot,
)
from tests.conftest import TOOL_BASE_URL
from tests.course.html_tools import parse
from tests.support.overlap import overlapping_writes, run_at_once


def grants(db: Session) -> list[CoachingGrant]:
    db.expire_all()
    return list(db.exec(select(CoachingGrant).order_by(CoachingGrant.id)).all())


def errors(response) -> str:
    return parse(response.text).find(cls="error-summary").clean_text


@pytest.fixture
def package(db: Session, site: Site):
    return make_package(db, site.platform.id, name="Coaching Basis", feedback_quota=3)


def test_an_admin_grants_a_package_to_a_course_member(
    client, db: Session, site: Site, package, make_learner
):
    lena = make_learner(context=site.course, name="Lena Lernt", email="lena@example.org")
    until = (TODAY + timedelta(days=90)).isoformat()
    response = post(
        client,
        site.admin,
        site.base + "/grants",
        {"member": str(lena.principal.user_id), "package": str(package.id), "valid_until": until},
    )
    assert response.status_code == 303
    [grant] = grants(db)
    assert grant.user_id == lena.principal.user_id and grant.context_id == site.course.id
    assert grant.valid_until.isoformat() == until and grant.email is None
    assert grant.created_by_user_id == site.admin.principal.user_id

    [entry] = audit_log(db)
    assert entry.action == "granted" and entry.grant_id == grant.id
    assert entry.detail["subject"]["person"]["name"] == "Lena Lernt"
    assert entry.detail["subject"]["package"]["name"] == "Coaching Basis"
    assert entry.detail["after"]["valid_until"] == until

    listing = get(client, site.admin, response.headers["location"])
    assert "Das Paket wurde vergeben." in listing.text
    row = parse(listing.text).find("table").find("tbody").clean_text
    assert "Lena Lernt" in row and "Aktiv" in row

    mine = get(client, lena, f"/c/{site.course.id}/coaching")
    assert "Coaching Basis" in mine.text and "noch für 3 von 3 Einreichungen" in mine.text


def test_a_grant_by_email_waits_for_the_first_launch_and_then_applies(
    client, db: Session, site: Site, package, make_learner
):
    response = post(
        client,
        site.admin,
        site.base + "/grants",
        {"email": " Mia@Example.ORG ", "package": str(package.id)},
    )
    assert response.status_code == 303
    [grant] = grants(db)
    assert grant.user_id is None and grant.email == "mia@example.org"
    listing = get(client, site.admin, site.base + "/grants")
    assert "Wartet auf ersten Aufruf" in listing.text

    # Mia launches the course for the first time (her LMS sends the email claim)
    mia = make_learner(context=site.course, email="mia@example.org", name="Mia")
    summary = coaching_summary(db, user_id=mia.principal.user_id, context_id=site.course.id)
    assert summary.active and summary.package_name == "Coaching Basis"
    db.commit()
    assert grants(db)[0].user_id == mia.principal.user_id
    assert "Aktiv" in get(client, site.admin, site.base + "/grants").text


def test_an_email_grant_does_not_apply_in_another_course(
    db: Session, site: Site, package, make_learner
):
    grant_package(
        db,
        Actor.cli(),
        course=site.course,
        package=package,
        grantee=Grantee(user_id=None, email="mia@example.org"),
    )
    db.commit()
    other_course = LmsContext(platform_id=site.platform.id, lms_context_id="other")
    db.add(other_course)
    db.commit()
    mia = make_learner(context=other_course, email="mia@example.org")
    assert not coaching_summary(
        db, user_id=mia.principal.user_id, context_id=other_course.id
    ).active


def test_an_email_of_a_member_binds_the_grant_at_once(
    client, db: Session, site: Site, package, make_learner
):
    tom = make_learner(context=site.course, email="Tom@Example.org", name="Tom")
    post(
        client,
        site.admin,
        site.base + "/grants",
        {"email": "tom@example.org", "package": str(package.id)},
    )
    [grant] = grants(db)
    assert grant.user_id == tom.principal.user_id and grant.email == "tom@example.org"


def test_the_same_package_twice_is_refused_but_after_a_revoke_it_may_be_granted_again(
    client, db: Session, site: Site, package, make_learner
):
    lena = make_learner(context=site.course, email="lena@example.org")
    form = {"member": str(lena.principal.user_id), "package": str(package.id)}
    assert post(client, site.admin, site.base + "/grants", form).status_code == 303
    before = snapshot(db)
    again = post(client, site.admin, site.base + "/grants", form)
    assert again.status_code == 409
    assert "hat dieses Paket in diesem Kurs schon" in errors(again)
    # by her email it is the same person
    by_email = post(
        client,
        site.admin,
        site.base + "/grants",
        {"email": "lena@example.org", "package": str(package.id)},
    )
    assert by_email.status_code == 409
    assert snapshot(db) == before

    grant = grants(db)[0]
    assert post(client, site.admin, f"{site.base}/grants/{grant.id}/revoke").status_code == 303
    assert post(client, site.admin, site.base + "/grants", form).status_code == 303
    assert len(grants(db)) == 2


def test_two_grants_at_once_for_the_same_person_grant_once(
    engine, db: Session, site: Site, package, make_learner
):
    """Two admins grant Lena the package at the same moment, each in a session of its
    own (one picks her from the members, the other types her email), and the first is
    still uncommitted when the second starts to write: the second waits at the course's
    grant lock, then finds the first's grant and is refused as already granted. Without
    the lock it would have checked too early and granted again."""
    lena = make_learner(context=site.course, email="lena@example.org")
    actor = Actor.admin(site.admin.principal)

    def grant_to(name_her: Callable[[Session, LmsContext], Grantee]) -> Callable[[], object]:
        def grant() -> object:
            with new_session(engine) as session:
                course = session.get(LmsContext, site.course.id)
                basis = session.get(CoachingPackage, package.id)
                assert course is not None and basis is not None
                grantee = name_her(session, course)
                try:
                    made = grant_package(
                        session, actor, course=course, package=basis, grantee=grantee
                    )
                except CoachingRefused as refused:
                    session.rollback()
                    return refused.status_code, [p.message for p in refused.problems]
                session.commit()
                return made.id

        return grant

    by_member = grant_to(
        lambda session, course: grantee_by_user(session, course, lena.principal.user_id)
    )
    by_email = grant_to(
        lambda session, course: grantee_by_email(session, course, "Lena@Example.org")
    )
    with overlapping_writes("coaching_grant") as overlap:
        outcomes = run_at_once(by_member, by_email)
    assert overlap.paused and not overlap.timed_out
    [grant_row] = grants(db)
    assert sorted(outcomes, key=str) == sorted(
        [
            grant_row.id,
            (
                409,
                [
                    (
                        "Diese Person hat dieses Paket in diesem Kurs schon. Ändern Sie dort das "
                        "Enddatum."
                    )
                ],
            ),
        ],
        key=str,
    )
    [entry] = audit_log(db)
    assert entry.action == "granted" and entry.grant_id == grant_row.id


def test_a_double_click_on_the_grant_form_grants_once_and_says_it_is_held(
    app, db: Session, site: Site, package, make_learner
):
    """Two POSTs of the same form, the second arriving while the first has written its
    grant but not yet committed: one 303, one 409 with the form and "already has this
    package"; one grant, one audit entry."""
    lena = make_learner(context=site.course, name="Lena Lernt")
    form = {"member": str(lena.principal.user_id), "package": str(package.id)}

    def click() -> object:
        with TestClient(app, base_url=TOOL_BASE_URL) as browser:
            return post(browser, site.admin, site.base + "/grants", form)

    with overlapping_writes("coaching_grant") as overlap:
        responses = run_at_once(click, click)
    assert overlap.paused and not overlap.timed_out
    assert sorted(r.status_code for r in responses) == [303, 409]
    refused = next(r for r in responses if r.status_code == 409)
    assert "Diese Person hat dieses Paket in diesem Kurs schon." in errors(refused)
    [grant_row] = grants(db)
    assert grant_row.user_id == lena.principal.user_id
    assert [e.action for e in audit_log(db)] == ["granted"]


def test_grants_are_written_only_under_the_course_lock_of_the_same_transaction(
    db: Session, site: Site, package
):
    """``record_grants`` is where every way of granting ends: it refuses to write when
    the caller did not lock the course's grants first, or locked them in a transaction
    that has ended since."""
    assert site.course.id is not None

    def record() -> None:
        record_grants(
            db,
            Actor.cli(),
            course=site.course,
            package=package,
            grantees=[Grantee(user_id=None, email="mia@example.org")],
            valid_from=None,
            valid_until=None,
            source="cli",
        )

    with pytest.raises(RuntimeError, match="lock_course_grants"):
        record()
    db.rollback()
    lock_course_grants(db, site.course.id)
    lock_course_grants(db, site.course.id)  # held already: nothing more to do
    record()
    db.commit()
    with pytest.raises(RuntimeError, match="lock_course_grants"):
        record()  # the commit released the lock
    db.rollback()
    assert len(grants(db)) == 1 and len(audit_log(db)) == 1


def test_revoking_ends_the_entitlement_and_is_logged_once(
    client, db: Session, site: Site, package, make_learner
):
    lena = make_learner(context=site.course)
    post(
        client,
        site.admin,
        site.base + "/grants",
        {"member": str(lena.principal.user_id), "package": str(package.id)},
    )
    grant = grants(db)[0]
    path = f"{site.base}/grants/{grant.id}/revoke"
    assert post(client, site.admin, path).status_code == 303
    assert grants(db)[0].revoked_at is not None
    assert not coaching_summary(
        db, user_id=lena.principal.user_id, context_id=site.course.id
    ).active
    assert "done=unchanged" in post(client, site.admin, path).headers["location"]
    entries = audit_log(db)
    assert [e.action for e in entries] == ["granted", "revoked"]
    assert entries[1].detail["before"]["revoked"] is False
    assert entries[1].detail["after"]["revoked"] is True
    detail = get(client, site.admin, f"{site.base}/grants/{grant.id}")
    assert "Widerrufen" in detail.text and "Enddatum speichern" not in detail.text
    # a revoked grant is not extended
    refused = post(client, site.admin, f"{site.base}/grants/{grant.id}/extend", {"valid_until": ""})
    assert refused.status_code == 409 and len(audit_log(db)) == 2


def test_extending_changes_the_end_date_and_logs_before_and_after(
    client, db: Session, site: Site, package, make_learner
):
    lena = make_learner(context=site.course)
    first = (TODAY + timedelta(days=10)).isoformat()
    post(
        client,
        site.admin,
        site.base + "/grants",
        {"member": str(lena.principal.user_id), "package": str(package.id), "valid_until": first},
    )
    grant = grants(db)[0]
    path = f"{site.base}/grants/{grant.id}/extend"
    later = TODAY + timedelta(days=100)
    assert (
        post(client, site.admin, path, {"valid_until": later.strftime("%d.%m.%Y")}).status_code
        == 303
    )
    assert grants(db)[0].valid_until == later
    entry = audit_log(db)[-1]
    assert entry.action == "extended"
    assert (entry.detail["before"]["valid_until"], entry.detail["after"]["valid_until"]) == (
        first,
        later.isoformat(),
    )
    # no end date of its own
    assert post(client, site.admin, path, {"valid_until": ""}).status_code == 303
    assert grants(db)[0].valid_until is None
    page = get(client, site.admin, f"{site.base}/grants/{grant.id}")
    assert "Enddatum geändert" in page.text  # the grant's history


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("gestern", "Das ist kein gültiges Datum."),
        ((TODAY - timedelta(days=1)).isoformat(), "Das Enddatum liegt in der Vergangenheit."),
        ("2999-01-01", "Das ist kein gültiges Datum."),
    ],
)
def test_a_bad_end_date_is_refused_and_changes_nothing(
    client, db: Session, site: Site, package, make_learner, value, message
):
    lena = make_learner(context=site.course)
    post(
        client,
        site.admin,
        site.base + "/grants",
        {"member": str(lena.principal.user_id), "package": str(package.id)},
    )
    grant = grants(db)[0]
    before = snapshot(db)
    response = post(
        client, site.admin, f"{site.base}/grants/{grant.id}/extend", {"valid_until": value}
    )
    assert response.status_code == 400
    assert message in errors(response)
    assert snapshot(db) == before and grants(db)[0].valid_until is None


def test_extending_before_the_grants_start_is_refused(
    client, db: Session, site: Site, package, make_learner
):
    lena = make_learner(context=site.course)
    start = TODAY + timedelta(days=30)
    post(
        client,
        site.admin,
        site.base + "/grants",
        {
            "member": str(lena.principal.user_id),
            "package": str(package.id),
            "valid_from": start.isoformat(),
        },
    )
    grant = grants(db)[0]
    response = post(
        client,
        site.admin,
        f"{site.base}/grants/{grant.id}/extend",
        {"valid_until": (start - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400 and "Das Enddatum liegt vor dem Beginn." in errors(response)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"email": "keine-adresse"}, "Das ist keine gültige E-Mail-Adresse."),
        ({"email": "a@b"}, "Das ist keine gültige E-Mail-Adresse."),
        ({"email": "x" * 400 + "@example.org"}, "Das ist keine gültige E-Mail-Adresse."),
        ({"email": "lena@exa mple.org"}, "Das ist keine gültige E-Mail-Adresse."),
        ({"by": "email", "email": ""}, "Bitte geben Sie eine E-Mail-Adresse ein."),
        ({"by": "email", "email": "   "}, "Bitte geben Sie eine E-Mail-Adresse ein."),
        ({"by": "member", "member": ""}, "Bitte wählen Sie ein Kursmitglied."),
        ({"member": "abc"}, "kein Mitglied dieses Kurses"),
        ({"member": "99999999999999999999"}, "kein Mitglied dieses Kurses"),
        ({}, "Bitte wählen Sie ein Kursmitglied."),
        ({"email": "a@example.org", "package": ""}, "Bitte wählen Sie ein Paket."),
        ({"email": "a@example.org", "package": "-1"}, "Bitte wählen Sie ein Paket."),
        ({"email": "a@example.org", "valid_until": "31.02.2027"}, "kein gültiges Datum"),
        (
            {"email": "a@example.org", "valid_from": "2027-05-01", "valid_until": "2027-04-01"},
            "Das Enddatum liegt vor dem Beginn.",
        ),
        (
            {"email": "a@example.org", "valid_until": (TODAY - timedelta(days=3)).isoformat()},
            "Das Enddatum liegt in der Vergangenheit.",
        ),
    ],
)
def test_hostile_grant_input_is_refused_in_german_and_stores_nothing(
    client, db: Session, site: Site, package, form, message
):
    before = snapshot(db)
    data = {"package": str(package.id), **form}
    response = post(client, site.admin, site.base + "/grants", data)
    assert response.status_code == 400
    assert message in errors(response)
    assert snapshot(db) == before


def test_a_member_and_an_email_at_once_are_refused(
    client, db: Session, site: Site, package, make_learner
):
    lena = make_learner(context=site.course)
    response = post(
        client,
        site.admin,
        site.base + "/grants",
        {
            "member": str(lena.principal.user_id),
            "email": "x@example.org",
            "package": str(package.id),
        },
    )
    assert response.status_code == 400 and "nicht beides" in errors(response)
    assert grants(db) == []


def test_someone_from_another_course_is_not_a_member_here(
    client, db: Session, site: Site, other_site: Site, package, make_learner
):
    stranger = make_learner(context=other_site.course)
    response = post(
        client,
        site.admin,
        site.base + "/grants",
        {"member": str(stranger.principal.user_id), "package": str(package.id)},
    )
    assert response.status_code == 400 and "kein Mitglied dieses Kurses" in errors(response)
    # and the member list offers only this course's people
    options = get(client, site.admin, site.base + "/grants").text
    assert f'value="{stranger.principal.user_id}"' not in options


def test_archived_expired_and_foreign_packages_cannot_be_granted(
    client, db: Session, site: Site, other_site: Site, make_learner
):
    lena = make_learner(context=site.course)
    archived = make_package(db, site.platform.id, name="Alt", archived_at=utcnow())
    expired = make_package(
        db, site.platform.id, name="Vorbei", valid_until=TODAY - timedelta(days=1)
    )
    foreign = make_package(db, other_site.platform.id, name="Fremd")
    before = snapshot(db)
    for package, message in [
        (archived, "archiviert"),
        (expired, "abgelaufen"),
        (foreign, "Dieses Paket gibt es nicht."),
    ]:
        response = post(
            client,
            site.admin,
            site.base + "/grants",
            {"member": str(lena.principal.user_id), "package": str(package.id)},
        )
        assert response.status_code == 400, package.name
        assert message in errors(response)
    assert snapshot(db) == before
    offered = get(client, site.admin, site.base + "/grants").text
    assert "Alt (" not in offered and "Fremd" not in offered


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TUTOR])
def test_learners_and_tutors_cannot_grant_revoke_or_extend(
    client, db: Session, site: Site, package, make_learner, role
):
    lena = make_learner(context=site.course)
    post(
        client,
        site.admin,
        site.base + "/grants",
        {"member": str(lena.principal.user_id), "package": str(package.id)},
    )
    grant = grants(db)[0]
    person = make_learner(context=site.course, role=role)
    before = snapshot(db)
    assert get(client, person, f"{site.base}/grants/{grant.id}").status_code == 403
    for path, data in [
        ("/grants", {"member": str(person.principal.user_id), "package": str(package.id)}),
        (f"/grants/{grant.id}/revoke", {}),
        (f"/grants/{grant.id}/extend", {"valid_until": ""}),
    ]:
        assert post(client, person, site.base + path, data).status_code == 403, path
    assert snapshot(db) == before


def test_admins_elsewhere_cannot_see_or_change_these_grants(
    client, db: Session, site: Site, other_site: Site, package, make_learner
):
    lena = make_learner(context=site.course, name="Lena Lernt")
    post(
        client,
        site.admin,
        site.base + "/grants",
        {"member": str(lena.principal.user_id), "package": str(package.id)},
    )
    grant = grants(db)[0]
    # an admin of the same platform but in another course, and one of another platform
    second_course = LmsContext(platform_id=site.platform.id, lms_context_id="zwei")
    db.add(second_course)
    db.commit()
    same_platform = make_learner(context=second_course, role=Role.ADMIN)
    for admin in (other_site.admin, same_platform):
        base = f"/c/{admin.context_id}/admin/coaching"
        assert "Lena Lernt" not in get(client, admin, base + "/grants").text
        assert get(client, admin, f"{base}/grants/{grant.id}").status_code == 404
        before = snapshot(db)
        for path, data in [
            (f"/grants/{grant.id}/revoke", {}),
            (f"/grants/{grant.id}/extend", {"valid_until": ""}),
        ]:
            assert post(client, admin, base + path, data).status_code == 404, path
        assert snapshot(db) == before
    assert grants(db)[0].revoked_at is None


@pytest.mark.parametrize("csrf", [None, "forged"])
def test_grant_forms_need_the_csrf_token(
    client, db: Session, site: Site, package, make_learner, csrf
):
    lena = make_learner(context=site.course)
    post(
        client,
        site.admin,
        site.base + "/grants",
        {"member": str(lena.principal.user_id), "package": str(package.id)},
    )
    grant = grants(db)[0]
    before = snapshot(db)
    for path, data in [
        ("/grants", {"email": "neu@example.org", "package": str(package.id)}),
        (f"/grants/{grant.id}/revoke", {}),
        (f"/grants/{grant.id}/extend", {"valid_until": ""}),
    ]:
        assert post(client, site.admin, site.base + path, data, csrf=csrf).status_code == 403, path
    assert snapshot(db) == before


def test_every_form_on_the_grant_pages_carries_the_csrf_field(
    client, db: Session, site: Site, package, make_learner
):
    lena = make_learner(context=site.course)
    post(
        client,
        site.admin,
        site.base + "/grants",
        {"member": str(lena.principal.user_id), "package": str(package.id)},
    )
    grant = grants(db)[0]
    for path in ["/grants", f"/grants/{grant.id}"]:
        forms = list(parse(get(client, site.admin, site.base + path).text).find_all("form"))
        assert len(forms) >= 3, path  # language switch + the page's own forms
        for form in forms:
            assert form.find("input", name="csrf_token").attrs["value"] == site.admin.csrf


def test_a_learner_without_a_package_sees_what_the_packages_offer(
    client, db: Session, site: Site, make_learner
):
    make_package(
        db, site.platform.id, name="Coaching Plus", feedback_quota=None, office_hours_per_month=2
    )
    make_package(db, site.platform.id, name="Eingestellt", archived_at=utcnow())
    lena = make_learner(context=site.course)
    page = get(client, lena, f"/c/{site.course.id}/coaching")
    assert page.status_code == 200
    text = parse(page.text).find("main").clean_text
    assert "Sie haben in diesem Kurs kein Coachingpaket." in text
    assert "Coaching Plus" in text and "Schriftliches Feedback: unbegrenzt" in text
    assert "2 pro Monat" in text and "Eingestellt" not in text


def test_the_summary_counts_submissions_and_takes_the_earlier_end(
    db: Session, site: Site, make_learner
):
    package = make_package(
        db, site.platform.id, feedback_quota=2, valid_until=TODAY + timedelta(days=5)
    )
    lena = make_learner(context=site.course)
    grant_package(
        db,
        Actor.cli(),
        course=site.course,
        package=package,
        grantee=Grantee(user_id=lena.principal.user_id, email=None),
        valid_until=TODAY + timedelta(days=50),
    )
    db.commit()
    summary = coaching_summary(db, user_id=lena.principal.user_id, context_id=site.course.id)
    assert summary.active and summary.feedback_remaining == 2 and summary.feedback_used == 0
    assert summary.valid_until == TODAY + timedelta(days=5)
    assert not summary.unlimited


def test_the_grants_list_shows_the_packages_end_when_the_grant_has_none(
    client, db: Session, site: Site, make_learner
):
    """A grant without an end date of a package that ends gives the package until the
    package's end: the list says so (as the roster does), not "unbefristet"; a grant
    ending earlier shows its own end, a later package start is where it begins."""
    package_end = TODAY + timedelta(days=365)
    package = make_package(db, site.platform.id, name="Jahrespaket", valid_until=package_end)
    later = make_package(
        db,
        site.platform.id,
        name="Später",
        valid_from=TODAY + timedelta(days=10),
        valid_until=package_end,
    )
    lena = make_learner(context=site.course, name="Lena Lernt")
    tom = make_learner(context=site.course, name="Tom Termin")
    for person, chosen, until in ((lena, package, None), (tom, later, TODAY + timedelta(days=30))):
        grant_package(
            db,
            Actor.cli(),
            course=site.course,
            package=chosen,
            grantee=Grantee(user_id=person.principal.user_id, email=None),
            valid_until=until,
        )
    db.commit()

    listing = get(client, site.admin, site.base + "/grants")
    rows = {
        row.find("th").clean_text.split()[0]: row.clean_text
        for row in parse(listing.text).find("table").find("tbody").find_all("tr")
    }
    day = "%d.%m.%Y"
    assert f"bis {package_end.strftime(day)}" in rows["Lena"]
    assert "unbefristet" not in rows["Lena"]
    start, end = TODAY + timedelta(days=10), TODAY + timedelta(days=30)
    assert f"{start.strftime(day)} bis {end.strftime(day)}" in rows["Tom"]
