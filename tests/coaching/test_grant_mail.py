# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""A learner hears by email that a coaching package was granted to them, whichever way
it was granted (the admin's form, the CSV import, the LMS roster, the CLI), in their
language, written with the grant (a refused grant mails nobody), delivered by the worker
over SMTP. Someone who never launched is reached too: by the roster's address, or by the
address the grant names."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from coaching.roster import grant_from_roster
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus
from kurswerk.core.settings import get_settings
from tests.coaching.fixtures import *  # noqa: F403
from tests.coaching.fixtures import TODAY, Site, make_package, post
from tests.coaching.test_cli import run, where  # noqa: F401 - fixtures
from tests.coaching.test_import import confirm, draft_of, upload
from tests.coaching.test_roster import admin_actor, overview, person, roster_of, wanted
from tests.uploads.test_submission_mail import deliver, mails_to, sink  # noqa: F401 - fixtures
from tests.uploads.test_submission_mail import text_part as text_of


@pytest.fixture
def package(db: Session, site: Site):
    return make_package(db, site.platform.id, name="Coaching Basis", feedback_quota=3)


def grant_mails(db: Session) -> list[OutboxMessage]:
    db.expire_all()
    return [
        row
        for row in db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        if row.kind == "email" and row.payload.get("template") == "coaching_granted"
    ]


def test_the_form_grant_mails_the_learner_in_their_language(
    client, db, site, package, make_learner, deliver, sink
):
    lena = make_learner(context=site.course, name="Lena Lernt", email="lena@example.org")
    mia = make_learner(context=site.course, name="Mia", email="mia@example.org", locale="en")
    until = TODAY + timedelta(days=90)
    for person_ in (lena, mia):
        form = {"member": str(person_.principal.user_id), "package": str(package.id)}
        form["valid_until"] = until.isoformat()
        assert post(client, site.admin, site.base + "/grants", form).status_code == 303
    assert deliver().sent == 2
    [german] = mails_to(sink, "lena@example.org")
    assert german["Subject"] == "Coaching freigeschaltet: Coaching Basis"
    text = text_of(german)
    assert text.startswith("Hallo Lena Lernt,")
    assert "im Kurs „Social-Media-Strategie“" in text and "Feedbacks: 3" in text
    assert f"bis {until.strftime('%d.%m.%Y')}" in text
    [english] = mails_to(sink, "mia@example.org")
    assert english["Subject"] == "Coaching unlocked: Coaching Basis"
    assert f"until {until.day} {until.strftime('%b %Y')}" in text_of(english)


def test_a_refused_grant_mails_nobody(client, db, site, package, make_learner):
    lena = make_learner(context=site.course, name="Lena", email="lena@example.org")
    form = {"member": str(lena.principal.user_id), "package": str(package.id)}
    assert post(client, site.admin, site.base + "/grants", form).status_code == 303
    again = post(client, site.admin, site.base + "/grants", form)  # already holds it
    assert again.status_code == 409
    assert len(grant_mails(db)) == 1


def test_a_csv_grant_mails_someone_who_never_launched_at_the_granted_address(
    client, db, site, package, deliver, sink
):
    csv = b"email;package\nnora@example.org;Coaching Basis\n"
    preview = upload(client, site.admin, site.base, csv)
    assert confirm(client, site.admin, site.base, draft_of(preview)).status_code == 303
    assert deliver().sent == 1
    [message] = mails_to(sink, "nora@example.org")
    text = text_of(message)
    assert text.startswith("Hallo,") and "unbefristet" in text  # German: never launched


def test_someone_who_never_launched_is_written_to_in_the_deployments_language(
    client, db, site, package, deliver, sink, monkeypatch
):
    monkeypatch.setenv("KURSWERK_DEFAULT_LOCALE", "en")
    get_settings.cache_clear()
    try:
        csv = b"email;package\nnora@example.org;Coaching Basis\n"
        preview = upload(client, site.admin, site.base, csv)
        assert confirm(client, site.admin, site.base, draft_of(preview)).status_code == 303
    finally:
        get_settings.cache_clear()
    assert deliver().sent == 1
    [message] = mails_to(sink, "nora@example.org")
    assert message["Subject"] == "Coaching unlocked: Coaching Basis"
    assert text_of(message).startswith("Hello,")


def test_a_roster_grant_mails_members_who_never_launched_by_the_rosters_address(
    db, site, package, deliver, sink
):
    roster = roster_of(
        person("s-1", "Rosa Roster", "rosa@example.org"),
        person("s-2", "Otto Ohnemail"),
    )
    entries, _ = overview(db, site, roster)
    request = wanted(db, site, package, [str(entries[sub].user_id) for sub in ("s-1", "s-2")])
    result = grant_from_roster(db, admin_actor(site), site.course, roster, request)
    db.commit()
    assert result.granted == 2
    rows = {row.payload["to"]: row for row in grant_mails(db)}
    assert rows[""].status == OutboxStatus.SKIPPED  # no address: skipped, with the reason
    assert deliver().sent == 1
    [message] = mails_to(sink, "rosa@example.org")
    assert text_of(message).startswith("Hallo Rosa Roster,")


def test_a_cli_grant_mails_the_learner(run, db, where, package, deliver, sink):  # noqa: F811
    until = date(2027, 12, 6)
    code, _, err = run(
        "coaching", "grant", *where, "--email", "carla@example.org",
        "--package", "Coaching Basis", "--until", until.isoformat(),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert deliver().sent == 1
    [message] = mails_to(sink, "carla@example.org")
    assert "bis 06.12.2027" in text_of(message)
