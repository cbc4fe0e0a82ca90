"""``kurswerk coaching grant|revoke|extend|list|packages``: for scripts, with clear
messages and exit codes (0 done, 1 refused, 2 invalid input), logged as ``cli:<user>``."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from coaching.models import CoachingGrant
from kurswerk import cli
from kurswerk.core.settings import get_settings
from lti.models import LmsContext, Platform, PlatformUser
from tests.coaching.fixtures import *  # noqa: F403
from tests.coaching.fixtures import TODAY, Site, audit_log, make_package, snapshot
from tests.support.overlap import overlapping_writes, run_at_once


@pytest.fixture
def run(database_url: str, monkeypatch, capsys) -> Iterator:
    """``run(*argv) -> (exit code, stdout, stderr)`` against the test database."""
    monkeypatch.setenv("KURSWERK_DATABASE_URL", database_url)
    get_settings.cache_clear()

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    yield invoke
    get_settings.cache_clear()


@pytest.fixture
def where(site: Site) -> list[str]:
    return ["--platform", site.platform.issuer, "--context", site.course.lms_context_id]


@pytest.fixture
def package(db: Session, site: Site):
    return make_package(db, site.platform.id, name="Coaching Basis", feedback_quota=3)


def grants(db: Session) -> list[CoachingGrant]:
    db.expire_all()
    return list(db.exec(select(CoachingGrant).order_by(CoachingGrant.id)).all())


def test_grant_by_email_before_the_first_launch(run, db: Session, where, package):
    until = (TODAY + timedelta(days=30)).isoformat()
    code, out, err = run(
        "coaching", "grant", *where, "--email", "Mia@Example.org", "--package", "coaching basis",
        "--until", until,
    )  # fmt: skip
    assert (code, err) == (0, "")
    [grant] = grants(db)
    assert grant.email == "mia@example.org" and grant.user_id is None
    assert grant.valid_until.isoformat() == until
    assert f"grant {grant.id}" in out and "first launch" in out
    [entry] = audit_log(db)
    assert entry.action == "granted" and entry.actor_user_id is None
    assert entry.actor_label == f"cli:{getpass.getuser()}"
    assert entry.detail["source"] == "cli"


def test_grant_by_sub_to_someone_who_has_launched(
    run, db: Session, site: Site, where, package, make_learner
):
    lena = make_learner(context=site.course)
    sub = db.get(PlatformUser, lena.principal.user_id).sub
    code, out, _ = run("coaching", "grant", *where, "--sub", sub, "--package", "Coaching Basis")
    assert code == 0
    assert grants(db)[0].user_id == lena.principal.user_id


BASIS = ["--package", "Coaching Basis"]
A = ["--email", "a@example.org", *BASIS]


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--email", "a@example.org", "--package", "Gold"], 1, "no package named 'Gold'"),
        (["--sub", "nobody", *BASIS], 1, "Nobody with the LMS user ID"),
        (["--email", "not-an-email", *BASIS], 2, "not a valid email"),
        ([*A, "--until", "soon"], 2, "is not a date"),
        ([*A, "--until", "2001-01-01"], 2, "in the past"),
        ([*A, "--from", "2031-01-01", "--until", "2030-01-01"], 2, "before the start"),
    ],
)
def test_grant_refusals_are_clear_and_change_nothing(
    run, db: Session, where, package, extra, code, message
):
    before = snapshot(db)
    result, out, err = run("coaching", "grant", *where, *extra)
    assert result == code
    assert out == "" and err.startswith("Refused: ") and message in err
    assert "Traceback" not in err
    assert snapshot(db) == before


def test_unknown_platform_or_course_is_refused(run, db: Session, site: Site, package):
    code, _, err = run(
        "coaching", "grant", "--platform", "https://nowhere.example", "--context", "x",
        "--email", "a@example.org", "--package", "Coaching Basis",
    )  # fmt: skip
    assert code == 1 and "No platform with the issuer https://nowhere.example" in err
    code, _, err = run(
        "coaching", "grant", "--platform", site.platform.issuer, "--context", "no-such-course",
        "--email", "a@example.org", "--package", "Coaching Basis",
    )  # fmt: skip
    assert code == 1 and "no-such-course" in err
    assert grants(db) == []


def test_one_issuer_with_several_registrations_needs_the_client_id(
    run, db: Session, site: Site, where, package
):
    twin = Platform(
        issuer=site.platform.issuer,
        client_id="second-client",
        auth_login_url="https://x/a",
        auth_token_url="https://x/t",
        keyset_url="https://x/k",
    )
    db.add(twin)
    db.commit()
    args = ["--email", "a@example.org", "--package", "Coaching Basis"]
    code, _, err = run("coaching", "grant", *where, *args)
    assert code == 2 and "give the client ID" in err
    code, _, _ = run("coaching", "grant", *where, "--client-id", site.platform.client_id, *args)
    assert code == 0 and len(grants(db)) == 1


def test_a_second_grant_of_the_same_package_is_refused(run, db: Session, where, package):
    args = ["coaching", "grant", *where, "--email", "a@example.org", "--package", "Coaching Basis"]
    assert run(*args)[0] == 0
    code, _, err = run(*args)
    assert code == 1 and "already has this package" in err
    assert len(grants(db)) == 1


def test_the_same_grant_run_twice_at_once_is_given_once(run, capsys, db: Session, where, package):
    """Two scripts (or a script beside an admin) at the same moment: the second waits at
    the course's grant lock while the first is uncommitted, then is refused (exit 1)."""
    args = ["coaching", "grant", *where, "--email", "a@example.org", "--package", "Coaching Basis"]
    with overlapping_writes("coaching_grant") as overlap:
        codes = run_at_once(lambda: cli.main(args), lambda: cli.main(args))
    assert overlap.paused and not overlap.timed_out
    assert sorted(codes) == [0, 1]
    assert "Refused: This person already has this package" in capsys.readouterr().err
    assert len(grants(db)) == 1 and [e.action for e in audit_log(db)] == ["granted"]


def test_revoke_by_id_or_by_person_and_package(run, db: Session, where, package):
    run("coaching", "grant", *where, "--email", "a@example.org", "--package", "Coaching Basis")
    run("coaching", "grant", *where, "--email", "b@example.org", "--package", "Coaching Basis")
    first, second = grants(db)
    code, out, _ = run("coaching", "revoke", *where, "--grant", str(first.id))
    assert code == 0 and f"Revoked grant {first.id}." in out
    code, out, _ = run("coaching", "revoke", *where, "--grant", str(first.id))
    assert code == 0 and "already revoked" in out
    code, _, _ = run(
        "coaching", "revoke", *where, "--email", "B@example.org", "--package", "Coaching Basis"
    )
    assert code == 0
    assert all(g.revoked_at is not None for g in grants(db))
    assert [e.action for e in audit_log(db)] == ["granted", "granted", "revoked", "revoked"]
    code, _, err = run(
        "coaching", "revoke", *where, "--email", "b@example.org", "--package", "Coaching Basis"
    )
    assert code == 1 and "holds no open grant" in err
    code, _, err = run("coaching", "revoke", *where)
    assert code == 2 and "name the grant" in err


def test_a_grant_of_another_course_is_not_found(run, db: Session, site: Site, where, package):
    run("coaching", "grant", *where, "--email", "a@example.org", "--package", "Coaching Basis")
    [grant] = grants(db)
    other = LmsContext(platform_id=site.platform.id, lms_context_id="elsewhere")
    db.add(other)
    db.commit()
    elsewhere = ["--platform", site.platform.issuer, "--context", "elsewhere"]
    code, _, err = run("coaching", "revoke", *elsewhere, "--grant", str(grant.id))
    assert code == 1 and f"no grant {grant.id}" in err
    assert grants(db)[0].revoked_at is None


def test_extend_changes_the_end_date(run, db: Session, where, package):
    run("coaching", "grant", *where, "--email", "a@example.org", "--package", "Coaching Basis")
    [grant] = grants(db)
    later = (TODAY + timedelta(days=200)).isoformat()
    code, out, _ = run("coaching", "extend", *where, "--grant", str(grant.id), "--until", later)
    assert code == 0 and later in out
    assert grants(db)[0].valid_until.isoformat() == later
    code, _, _ = run("coaching", "extend", *where, "--grant", str(grant.id), "--no-end")
    assert code == 0 and grants(db)[0].valid_until is None
    code, _, err = run(
        "coaching", "extend", *where, "--grant", str(grant.id), "--until", "2001-01-01"
    )
    assert code == 2 and "in the past" in err
    assert [e.action for e in audit_log(db)] == ["granted", "extended", "extended"]


def test_list_prints_tab_separated_rows_or_json(
    run, db: Session, where, package, site: Site, make_learner
):
    run("coaching", "grant", *where, "--email", "a@example.org", "--package", "Coaching Basis")
    run("coaching", "grant", *where, "--email", "b@example.org", "--package", "Coaching Basis")
    first, _ = grants(db)
    run("coaching", "revoke", *where, "--grant", str(first.id))

    code, out, _ = run("coaching", "list", *where)
    lines = out.strip().split("\n")
    assert code == 0
    assert lines[0] == "id\tstate\tperson\tsub\temail\tpackage\tvalid_from\tvalid_until"
    assert len(lines) == 2 and "\tpending\tb@example.org\t" in lines[1]

    code, out, _ = run("coaching", "list", *where, "--all", "--json")
    rows = json.loads(out)
    assert {(r["email"], r["state"]) for r in rows} == {
        ("a@example.org", "revoked"),
        ("b@example.org", "pending"),
    }
    code, out, _ = run("coaching", "packages", "--platform", site.platform.issuer)
    assert code == 0 and "Coaching Basis" in out.split("\n")[1]


def test_usage_errors_exit_with_2(run):
    with pytest.raises(SystemExit) as exited:
        run("coaching", "grant", "--platform", "x", "--context", "y", "--package", "p")
    assert exited.value.code == 2
    with pytest.raises(SystemExit) as exited:
        run("coaching", "grant", "--platform", "x", "--context", "y", "--package", "p",
            "--email", "a@b.org", "--sub", "s")  # fmt: skip
    assert exited.value.code == 2
