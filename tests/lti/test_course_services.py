"""What an LMS course lets Kurswerk do (``lti.capabilities``): one rule for the skipped
grade rows and for the note admins see on the LMS calls page, so a platform that granted
fewer scopes than asked degrades visibly, not silently."""

from __future__ import annotations

import pytest

from kurswerk.core import i18n
from lti.capabilities import (
    SCOPE_LINEITEM,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
    Missing,
    services_of,
)
from lti.models import ContextServices, Platform
from lti.nrps import SCOPE_MEMBERSHIPS
from tests.lti.advantage import context_of, landing, launch, register_simulator, start_simulator

ALL_AGS = f"{SCOPE_LINEITEM} {SCOPE_RESULT_READONLY} {SCOPE_SCORE}"
EVERYTHING = f"{ALL_AGS} {SCOPE_MEMBERSHIPS}"
LINEITEMS = "https://lms.example/api/lineitems"
MEMBERS = "https://lms.example/api/members"


def _platform(granted: str | None) -> Platform:
    return Platform(
        issuer="https://lms.example",
        client_id="c",
        auth_login_url="https://lms.example/auth",
        auth_token_url="https://lms.example/token",
        key_set_url="https://lms.example/jwks",
        granted_scopes=granted,
    )


def _course(ags: str | None, *, lineitems: bool = True, roster: bool = True) -> ContextServices:
    return ContextServices(
        context_id=1,
        ags_scopes=ags,
        lineitems_url=LINEITEMS if lineitems and ags is not None else None,
        memberships_url=MEMBERS if roster else None,
    )


@pytest.mark.parametrize(
    ("granted", "course", "grades", "columns", "roster"),
    [
        (EVERYTHING, _course(ALL_AGS), None, None, None),
        (None, _course(ALL_AGS), None, None, None),  # a registration by hand: the launches decide
        (
            SCOPE_MEMBERSHIPS,
            _course(ALL_AGS),
            Missing.SCORE_NOT_GRANTED,
            Missing.COLUMNS_NOT_ALLOWED,
            None,
        ),
        (ALL_AGS, _course(ALL_AGS), None, None, Missing.ROSTER_NOT_GRANTED),
        (
            EVERYTHING,
            None,
            Missing.NO_GRADE_SERVICE,
            Missing.COLUMNS_NOT_ALLOWED,
            Missing.NO_ROSTER_SERVICE,
        ),
        (EVERYTHING, _course(None), Missing.NO_GRADE_SERVICE, Missing.COLUMNS_NOT_ALLOWED, None),
        (EVERYTHING, _course(SCOPE_LINEITEM), Missing.SCORE_NOT_OFFERED, None, None),
        (EVERYTHING, _course(SCOPE_SCORE), None, Missing.COLUMNS_NOT_ALLOWED, None),
        (
            f"{SCOPE_SCORE} {SCOPE_MEMBERSHIPS}",
            _course(ALL_AGS),
            None,
            Missing.COLUMNS_NOT_ALLOWED,
            None,
        ),
        (EVERYTHING, _course(ALL_AGS, lineitems=False), None, Missing.COLUMNS_NOT_ALLOWED, None),
        (EVERYTHING, _course(ALL_AGS, roster=False), None, None, Missing.NO_ROSTER_SERVICE),
    ],
)
def test_each_service_is_available_or_says_why_not(granted, course, grades, columns, roster):
    found = services_of(_platform(granted), course)
    assert (found.grades, found.new_columns, found.roster) == (grades, columns, roster)


def test_usable_scopes_are_what_was_asked_granted_and_offered_at_once():
    found = services_of(_platform(f"{SCOPE_SCORE} {SCOPE_LINEITEM}"), _course(ALL_AGS))
    assert found.ags_scopes == {SCOPE_SCORE, SCOPE_LINEITEM}


def test_the_columns_note_waits_until_grades_flow_at_all():
    no_grades = services_of(_platform(SCOPE_MEMBERSHIPS), _course(ALL_AGS))
    assert no_grades.notes == [Missing.SCORE_NOT_GRANTED]
    no_columns = services_of(_platform(None), _course(SCOPE_SCORE, roster=False))
    assert no_columns.notes == [Missing.COLUMNS_NOT_ALLOWED, Missing.NO_ROSTER_SERVICE]


@pytest.mark.parametrize("missing", list(Missing))
def test_every_reason_has_a_text_in_german_and_english(missing):
    assert missing.message
    assert i18n.gettext("en", missing.message) not in ("", missing.message)


def test_admins_see_what_a_platform_that_granted_no_grades_leaves_out(app, client, db):
    sim = start_simulator(app, granted_scopes=(SCOPE_MEMBERSHIPS,))
    try:
        register_simulator(db, sim.config, granted_scopes=[SCOPE_MEMBERSHIPS])
        landing(launch(client, sim, "lena"))
        context_id = context_of(db).id
        _, admin = landing(launch(client, sim, "ada"))
        page = client.get(f"/c/{context_id}/lti/lms-calls", params={"kt": admin})
        assert page.status_code == 200
        assert "Was das LMS in diesem Kurs erlaubt" in page.text
        assert "hat Kurswerk das Recht dazu (AGS-Scope „score“) nicht erteilt" in page.text
        assert "stehen zur Verfügung" not in page.text
    finally:
        sim.server.stop()


def test_admins_see_that_everything_is_available_when_it_is(client, sim, db):
    landing(launch(client, sim, "lena"))
    context_id = context_of(db).id
    _, admin = landing(launch(client, sim, "ada"))
    page = client.get(f"/c/{context_id}/lti/lms-calls", params={"kt": admin})
    assert (
        "Bewertungen, neue Spalten in der Bewertungsübersicht und die Teilnehmendenliste"
        in page.text
    )
