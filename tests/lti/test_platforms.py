"""Platform registrations as data: add (idempotent), list, validation, the CLI, and the
CSP frame-ancestors they produce."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from kurswerk import cli
from kurswerk.core.settings import get_settings
from lti import registrations, service
from lti.models import Deployment, Platform
from tests.lti.conftest import count_rows

MOODLE = {
    "issuer": "https://moodle.example.org",
    "client_id": "abc123",
    "auth_login_url": "https://moodle.example.org/mod/lti/auth.php",
    "auth_token_url": "https://moodle.example.org/mod/lti/token.php",
    "keyset_url": "https://moodle.example.org/mod/lti/certs.php",
}


def test_add_platform_creates_registration_and_deployments(db: Session):
    platform = service.add_platform(db, **MOODLE, deployment_ids=["1", "2"], name="Moodle")
    db.commit()
    rows = service.list_platforms(db)
    assert [(p.id, deployments) for p, deployments in rows] == [(platform.id, ["1", "2"])]
    assert rows[0][0].name == "Moodle"


def test_add_platform_is_idempotent_and_updates(db: Session, engine):
    first = service.add_platform(db, **MOODLE, deployment_ids=["1"])
    db.commit()
    again = service.add_platform(
        db,
        **{**MOODLE, "keyset_url": "https://moodle.example.org/new-certs"},
        deployment_ids=["1", "3"],
    )
    db.commit()
    assert again.id == first.id
    assert count_rows(engine, Platform) == 1
    assert db.exec(select(Platform)).one().keyset_url == "https://moodle.example.org/new-certs"
    assert sorted(db.exec(select(Deployment.deployment_id)).all()) == ["1", "3"]


def test_same_issuer_with_another_client_id_is_another_registration(db: Session, engine):
    service.add_platform(db, **MOODLE, deployment_ids=["1"])
    service.add_platform(db, **{**MOODLE, "client_id": "other"}, deployment_ids=["1"])
    db.commit()
    assert count_rows(engine, Platform) == 2
    assert count_rows(engine, Deployment) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("issuer", "moodle.example.org"),
        ("auth_login_url", "/mod/lti/auth.php"),
        ("auth_token_url", "ftp://moodle.example.org/token"),
        ("keyset_url", "javascript:alert(1)"),
        ("keyset_url", "https://user:pw@moodle.example.org/certs"),
        ("auth_login_url", "https://moodle.example.org;script-src */x"),
        ("issuer", "https://moodle.example.org/ with space"),
        ("client_id", "   "),
    ],
)
def test_add_platform_refuses_values_that_cannot_work(db: Session, field, value):
    with pytest.raises(registrations.PlatformConfigError):
        service.add_platform(db, **{**MOODLE, field: value}, deployment_ids=["1"])


def test_add_platform_needs_a_deployment(db: Session):
    with pytest.raises(registrations.PlatformConfigError):
        service.add_platform(db, **MOODLE, deployment_ids=[])


def test_cli_platform_add_and_list(database_url, engine, monkeypatch, capsys):
    monkeypatch.setenv("KURSWERK_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        args = ["platform", "add"]
        for name, value in MOODLE.items():
            args += [f"--{name.replace('_', '-')}", value]
        assert cli.main([*args, "--deployment-id", "1", "--deployment-id", "2"]) == 0
        assert cli.main([*args, "--deployment-id", "2", "--name", "Moodle Prod"]) == 0
        assert cli.main(["platform", "list"]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert count_rows(engine, Platform) == 1 and count_rows(engine, Deployment) == 2
    assert (
        "https://moodle.example.org\tclient=abc123\tdeployments=1,2\tframe-origins=-\tMoodle Prod"
        in out
    )


def test_cli_platform_add_reports_a_bad_url_without_a_traceback(
    database_url, engine, monkeypatch, capsys
):
    monkeypatch.setenv("KURSWERK_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        args = ["platform", "add"]
        for name, value in {**MOODLE, "keyset_url": "certs.php"}.items():
            args += [f"--{name.replace('_', '-')}", value]
        assert cli.main([*args, "--deployment-id", "1"]) == 2
    finally:
        get_settings.cache_clear()
    assert "keyset_url" in capsys.readouterr().err
    assert count_rows(engine, Platform) == 0


# -- frame-ancestors ------------------------------------------------------------------


def test_csp_lets_registered_platforms_frame_the_tool(client, db: Session):
    service.add_platform(
        db,
        **{**MOODLE, "auth_login_url": "https://sso.example.net/auth"},
        deployment_ids=["1"],
    )
    db.commit()
    response = client.get("/health")
    csp = response.headers["content-security-policy"]
    ancestors = next(d for d in csp.split(";") if d.strip().startswith("frame-ancestors"))
    assert ancestors.split()[1:] == [
        "'self'",
        "https://moodle.example.org",
        "https://sso.example.net",
    ]
    assert "x-frame-options" not in response.headers


def test_frame_ancestors_are_cached_not_queried_per_response(client, db: Session, monkeypatch):
    service.add_platform(db, **MOODLE, deployment_ids=["1"])
    db.commit()
    client.get("/health")
    calls = []
    original = registrations.frame_ancestor_origins

    def counting(session):
        calls.append(1)
        return original(session)

    monkeypatch.setattr(registrations, "frame_ancestor_origins", counting)
    for _ in range(5):
        assert "moodle.example.org" in client.get("/health").headers["content-security-policy"]
    assert calls == []


def test_frame_ancestors_follow_a_registration_made_in_this_process(client, db: Session):
    assert "moodle.example.org" not in client.get("/health").headers["content-security-policy"]
    service.add_platform(db, **MOODLE, deployment_ids=["1"])
    db.commit()
    assert "https://moodle.example.org" in client.get("/health").headers["content-security-policy"]


def test_frame_ancestors_ignore_an_uncommitted_registration(client, db: Session):
    service.add_platform(db, **MOODLE, deployment_ids=["1"])
    db.rollback()
    assert "moodle.example.org" not in client.get("/health").headers["content-security-policy"]
