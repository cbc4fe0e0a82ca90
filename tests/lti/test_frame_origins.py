"""A platform's further frame origins: Canvas cloud frames the tool from the school's own
domain, which is neither its issuer's nor its login URL's origin. Without it in the CSP
``frame-ancestors`` the browser refuses to show the tool inside Canvas."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from lti import registrations, service
from lti.dynamic_registration import PlatformConfiguration, store_registration
from lti.models import Platform
from tests.lti.conftest import count_rows

CANVAS_CLOUD = {
    "issuer": "https://canvas.instructure.com",
    "client_id": "10000000000001",
    "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
    "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
    "keyset_url": "https://sso.canvaslms.com/api/lti/security/jwks",
}
SCHOOL = "https://school.instructure.com"


def frame_ancestors(client) -> list[str]:
    csp = client.get("/health").headers["content-security-policy"]
    directive = next(d for d in csp.split(";") if d.strip().startswith("frame-ancestors"))
    return directive.split()[1:]


def test_a_canvas_school_domain_named_at_registration_may_frame_the_tool(client, db: Session):
    service.add_platform(db, **CANVAS_CLOUD, deployment_ids=["1"], frame_origins=[SCHOOL])
    db.commit()
    assert frame_ancestors(client) == [
        "'self'",
        "https://canvas.instructure.com",
        SCHOOL,
        "https://sso.canvaslms.com",
    ]


def test_without_it_the_school_domain_may_not_frame_the_tool(client, db: Session):
    service.add_platform(db, **CANVAS_CLOUD, deployment_ids=["1"])
    db.commit()
    assert SCHOOL not in frame_ancestors(client)


def test_frame_origins_are_normalised_and_added_never_dropped_by_a_new_add(db: Session):
    service.add_platform(
        db,
        **CANVAS_CLOUD,
        deployment_ids=["1"],
        frame_origins=["HTTPS://School.Instructure.com:443/"],
    )
    again = service.add_platform(
        db, **CANVAS_CLOUD, deployment_ids=["1"], frame_origins=["https://other.instructure.com"]
    )
    db.commit()
    assert again.frame_origins == f"{SCHOOL} https://other.instructure.com"


@pytest.mark.parametrize(
    "origin",
    [
        "school.instructure.com",  # no scheme
        "https://school.instructure.com/courses/1",  # a path: CSP would match only it
        "https://school.instructure.com/?x=1",
        "https://user@school.instructure.com",
        "http://school.instructure.com",  # plain http outside loopback
        "https://school.instructure.com; script-src *",  # a CSP injection
        "*",
        "javascript:alert(1)",
    ],
)
def test_a_frame_origin_that_is_not_an_origin_is_refused_and_nothing_is_written(
    db: Session, engine, origin
):
    with pytest.raises(registrations.PlatformConfigError):
        service.add_platform(db, **CANVAS_CLOUD, deployment_ids=["1"], frame_origins=[origin])
    db.rollback()
    assert count_rows(engine, Platform) == 0


def test_a_local_lms_over_http_on_loopback_may_frame_the_tool(db: Session):
    platform = service.add_platform(
        db, **CANVAS_CLOUD, deployment_ids=["1"], frame_origins=["http://localhost:8001"]
    )
    assert platform.frame_origins == "http://localhost:8001"


def test_frame_origins_are_changed_on_a_registered_platform(client, db: Session):
    platform = service.add_platform(db, **CANVAS_CLOUD, deployment_ids=["1"])
    db.commit()
    assert platform.id is not None
    service.change_frame_origins(db, platform.id, add=[SCHOOL, "https://b.instructure.com"])
    db.commit()
    assert SCHOOL in frame_ancestors(client)  # a change in this process is seen at once
    service.change_frame_origins(db, platform.id, remove=[SCHOOL])
    db.commit()
    assert SCHOOL not in frame_ancestors(client)
    assert "https://b.instructure.com" in frame_ancestors(client)


def test_changing_frame_origins_of_an_unknown_platform_is_refused(db: Session):
    with pytest.raises(registrations.PlatformConfigError, match="no platform"):
        service.change_frame_origins(db, 999, add=[SCHOOL])


def test_cli_adds_lists_and_removes_frame_origins(run_cli, capsys):
    add = ["platform", "add", "--deployment-id", "1", "--frame-origin", SCHOOL]
    for name, value in CANVAS_CLOUD.items():
        add += [f"--{name.replace('_', '-')}", value]
    assert run_cli(*add) == 0
    assert run_cli("platform", "list") == 0
    assert f"frame-origins={SCHOOL}\t" in capsys.readouterr().out
    assert run_cli("platform", "frame-origins", "1", "--remove", SCHOOL) == 0
    assert "frame origins -" in capsys.readouterr().out


def test_cli_reports_a_bad_frame_origin_without_a_traceback(run_cli, capsys):
    add = ["platform", "add", "--deployment-id", "1", "--frame-origin", "https://x.org/path"]
    for name, value in CANVAS_CLOUD.items():
        add += [f"--{name.replace('_', '-')}", value]
    assert run_cli(*add) == 2
    assert "frame origin must be" in capsys.readouterr().err
    assert run_cli("platform", "frame-origins", "7", "--add", SCHOOL) == 2
    assert "no platform with id 7" in capsys.readouterr().err


def registered_from(db: Session, registration_endpoint: str) -> Platform:
    configuration = PlatformConfiguration(
        issuer=CANVAS_CLOUD["issuer"],
        authorization_endpoint=CANVAS_CLOUD["auth_login_url"],
        token_endpoint=CANVAS_CLOUD["auth_token_url"],
        jwks_uri=CANVAS_CLOUD["keyset_url"],
        registration_endpoint=registration_endpoint,
        product_family_code="canvas",
        scopes_supported=(),
    )
    return store_registration(db, configuration, {"client_id": "10000000000042"}).platform


def test_dynamic_registration_from_a_school_host_lets_that_host_frame_the_tool(db: Session):
    platform = registered_from(db, f"{SCHOOL}/api/lti/registrations")
    assert platform.frame_origins == SCHOOL


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://canvas.instructure.com/api/lti/registrations",  # the issuer's own host
        "https://sso.canvaslms.com/api/lti/registrations",  # the login host
        "http://school.example.org/register",  # plain http: never a frame origin
    ],
)
def test_dynamic_registration_adds_no_frame_origin_beyond_what_is_needed(db: Session, endpoint):
    assert registered_from(db, endpoint).frame_origins is None
