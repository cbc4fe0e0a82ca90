"""The whole login → launch flow against lti1p3platform, a platform we did not write.

The peer builds the login initiation, checks our authorisation request and signs the
id_token with its own key; its key set is served over loopback HTTP, so the tool's real
fetcher and cache verify the signature.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session, select

from kurswerk.core.auth import SESSION_COOKIE, Role
from lti.models import LmsContext, Membership, PlatformUser
from tests.conftest import TOOL_BASE_URL
from tests.lti.conftest import (
    PEER_CLIENT_ID,
    PEER_ISSUER,
    count_rows,
    run_flow,
    set_cookie_headers,
)

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def test_peer_launch_lands_in_the_course_with_a_session(client, peer, db: Session, app):
    login, launch = run_flow(client, peer, roles=[INSTRUCTOR], locale="en-US")

    assert launch.status_code == 303, launch.text
    location = urlsplit(launch.headers["location"])
    context = db.exec(select(LmsContext)).one()
    assert location.path == f"/c/{context.id}/"
    token = parse_qs(location.query)["kt"][0]
    principal = app.state.session_codec.read_page_token(token)
    user = db.exec(select(PlatformUser)).one()
    assert principal is not None
    assert (principal.user_id, principal.context_id) == (user.id, context.id)
    assert principal.platform_id == user.platform_id
    assert principal.role is Role.TUTOR
    assert principal.name == "Erika Mustermann"
    assert principal.locale == "en"
    assert principal.sid
    assert user.sub == "peer-user-1" and user.email == "erika@example.org"
    assert context.lms_context_id == "course-7" and context.title == "Social-Media-Strategie"
    membership = db.exec(select(Membership)).one()
    assert membership.role == "tutor" and INSTRUCTOR in membership.lti_roles
    # The session cookie carries the same principal, as a cookie-typed value.
    cookie = next(h for h in set_cookie_headers(launch) if h.startswith(SESSION_COOKIE + "="))
    value = cookie.split(";")[0].removeprefix(SESSION_COOKIE + "=")
    assert value != token
    assert app.state.session_codec.read_cookie(value) == principal


def test_login_by_get_works_as_well(client, peer):
    _login, launch = run_flow(client, peer, use_post=False)
    assert launch.status_code == 303


def test_login_redirect_is_a_complete_oidc_authorisation_request(client, peer):
    initiation = peer.login_initiation_url(user_id="u-9", message_hint="hint-9")
    login = client.get(initiation, follow_redirects=False)
    params = {k: v[0] for k, v in parse_qs(urlsplit(login.headers["location"]).query).items()}
    assert params["scope"] == "openid"
    assert params["response_type"] == "id_token"
    assert params["response_mode"] == "form_post"
    assert params["prompt"] == "none"
    assert params["client_id"] == PEER_CLIENT_ID
    assert params["redirect_uri"] == TOOL_BASE_URL + "/lti/launch"
    assert params["login_hint"] == "u-9"
    assert params["lti_message_hint"] == "hint-9"
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert params["state"] != params["nonce"]


def test_second_launch_updates_and_does_not_duplicate(client, peer, db: Session, engine):
    _, first = run_flow(client, peer, roles=[LEARNER], name="Erika M.")
    assert first.status_code == 303
    _, second = run_flow(client, peer, roles=[INSTRUCTOR], name="Erika Mustermann")
    assert second.status_code == 303

    for model in (PlatformUser, LmsContext, Membership):
        assert count_rows(engine, model) == 1, model.__name__
    assert db.exec(select(PlatformUser)).one().name == "Erika Mustermann"
    assert db.exec(select(Membership)).one().role == Role.TUTOR.value
    assert urlsplit(first.headers["location"]).path == urlsplit(second.headers["location"]).path


def test_launch_without_name_and_email_works(client, peer, db: Session, app):
    _, launch = run_flow(client, peer, name=None, email=None, locale=None)
    assert launch.status_code == 303, launch.text
    user = db.exec(select(PlatformUser)).one()
    assert user.name is None and user.email is None
    token = parse_qs(urlsplit(launch.headers["location"]).query)["kt"][0]
    principal = app.state.session_codec.read_page_token(token)
    assert principal is not None and principal.name == "" and principal.locale == "de"


def test_withheld_name_keeps_the_one_known_from_before(client, peer, db: Session):
    run_flow(client, peer, name="Erika Mustermann")
    _, launch = run_flow(client, peer, name=None, email=None)
    assert launch.status_code == 303
    user = db.exec(select(PlatformUser)).one()
    assert user.name == "Erika Mustermann" and user.email == "erika@example.org"


def test_two_users_of_one_course_share_the_context(client, peer, engine):
    run_flow(client, peer, user_id="learner-a")
    run_flow(client, peer, user_id="learner-b")
    assert count_rows(engine, PlatformUser) == 2
    assert count_rows(engine, LmsContext) == 1
    assert count_rows(engine, Membership) == 2


def test_custom_target_refines_the_landing_page(client, peer):
    _, launch = run_flow(client, peer, custom={"kurswerk_target": "lessons/einstieg"})
    path = urlsplit(launch.headers["location"]).path
    assert path.startswith("/c/") and path.endswith("/lessons/einstieg")


def test_custom_target_cannot_leave_the_course(client, peer):
    for hostile in ("//evil.example/x", "https://evil.example/", "../../admin", "a/../../b"):
        _, launch = run_flow(client, peer, custom={"kurswerk_target": hostile})
        location = urlsplit(launch.headers["location"])
        assert location.netloc == "" and location.path.startswith("/c/"), hostile
        assert location.path.count("/") == 3, hostile  # /c/{id}/ only


def test_peer_issuer_origin_may_frame_the_tool(client, peer):
    response = client.get("/health")
    csp = response.headers["content-security-policy"]
    assert PEER_ISSUER in csp


def test_a_launch_can_be_restored_from_the_launch_data_store(client, peer, app, engine):
    """pylti1p3's launch data storage, over our table: a later step (deep-linking
    response, grade passback) finds the validated launch by its id."""
    from kurswerk.core.clock import utcnow
    from kurswerk.core.db import new_session
    from lti.adapter import RequestAdapter
    from lti.launch import KurswerkMessageLaunch
    from lti.models import LaunchDataRecord

    _, launch = run_flow(client, peer)
    assert launch.status_code == 303
    with new_session(engine) as session:
        [launch_id] = session.exec(select(LaunchDataRecord.key)).all()
    assert launch_id.startswith("lti1p3-launch-")

    runtime = app.state.lti
    with new_session(engine) as session:
        restored = KurswerkMessageLaunch.restore(
            launch_id,
            RequestAdapter.of({}, {}, session, secure=True, launch_data_ttl_seconds=60),
            key_sets=runtime.key_sets,
            settings=runtime.settings,
            now=utcnow(),
        )
        assert restored.get_launch_data()["sub"] == "peer-user-1"
        assert restored.is_resource_launch()
        assert restored.match.client_id == PEER_CLIENT_ID
