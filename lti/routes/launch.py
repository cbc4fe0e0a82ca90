"""The LTI 1.3 launch: ``/lti/login`` (OIDC third-party initiated login) and
``/lti/launch`` (the id_token checked by ``lti.launch``, the person recorded, the session
started), with the pages of the hops between: the platform's storage instead of the state
cookie, and a new window where the browser refused the cookie in the iframe.

Thin: read the capped form, wire pylti1p3's adapter classes, call the service, answer.
Plain ``def`` routes: the launch may fetch a platform key set (blocking network I/O).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import parse_qsl

import jwt
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from kurswerk.core import i18n
from kurswerk.core.auth import Principal, Role, SessionCodec
from kurswerk.core.clock import utcnow
from kurswerk.core.db import SessionDep
from kurswerk.core.errors import Forbidden
from kurswerk.core.extensions import COURSE_BINDER, extensions
from kurswerk.core.i18n import N_
from kurswerk.core.paths import request_path
from kurswerk.core.templating import render, with_query
from lti import (
    deep_linking,
    endpoints,
    errors,
    identities,
    platform_storage,
    relaunch,
    review,
    roster,
    service,
)
from lti import identities as identities_mod
from lti.adapter import RequestAdapter
from lti.formbody import check_id_token_size, read_capped_form
from lti.identities import LaunchIdentity
from lti.launch import KurswerkMessageLaunch, PlatformStorageCheck, StateCookieMissing
from lti.launch_claims import DEEP_LINKING_REQUEST, SUBMISSION_REVIEW_REQUEST
from lti.login import FORWARDED_PARAMS, KurswerkOIDCLogin
from lti.runtime import LtiRuntime, runtime_of

log = logging.getLogger("kurswerk.lti")

router = APIRouter()


async def _login_params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        params.update(await read_capped_form(request))
    return params


async def _launch_form(request: Request) -> dict[str, str]:
    form = await read_capped_form(request)
    check_id_token_size(form)
    return form


LoginParams = Annotated[dict[str, str], Depends(_login_params)]
LaunchForm = Annotated[dict[str, str], Depends(_launch_form)]


def _adapter(
    request: Request, params: dict[str, str], session: Session, runtime: LtiRuntime
) -> RequestAdapter:
    """pylti1p3's collaborators over this request's ``params`` and cookies."""
    settings = runtime.settings
    return RequestAdapter.of(
        params,
        request.cookies,
        session,
        secure=settings.base_url.startswith("https://"),
        launch_data_ttl_seconds=settings.session_ttl_minutes * 60,
    )


@router.api_route("/login", methods=["GET", "POST"], name="lti_login")
def login(request: Request, session: SessionDep, params: LoginParams) -> Response:
    """OIDC third-party initiated login: check, remember state + nonce, go to the platform."""
    runtime = runtime_of(request)
    now = utcnow()
    runtime.purge_now_and_then(session, now)
    oidc = KurswerkOIDCLogin(
        _adapter(request, params, session, runtime), settings=runtime.settings, now=now
    )
    redirect = oidc.redirect(runtime.settings.base_url + request_path(request, "lti_launch"))
    storage = oidc.platform_storage
    if storage is None:
        return redirect
    # The platform keeps state and nonce for us too: a page stores them there, then goes
    # on to the platform (the state cookie rides along, for browsers that keep it).
    page = render(
        request,
        "lti/platform_storage.html",
        {
            "mode": "put",
            "storage": storage,
            "auth_url": redirect.headers["location"],
            "keys": {
                platform_storage.state_key(oidc.state): oidc.state,
                platform_storage.nonce_key(oidc.state): oidc.nonce,
            },
            "fields": {},
        },
    )
    for header in redirect.headers.getlist("set-cookie"):
        page.headers.append("Set-Cookie", header)
    return page


@router.post("/launch", name="lti_launch")
def launch(request: Request, session: SessionDep, form: LaunchForm) -> Response:
    """Validate the id_token, record who launched where, start the Kurswerk session."""
    runtime = runtime_of(request)
    now = utcnow()
    proof = platform_storage.StorageProof.from_form(form)
    if proof is not None and not platform_storage.posted_by_our_page(
        request.headers, runtime.settings.base_origin
    ):
        raise errors.StateMismatch("platform storage values not posted by Kurswerk's own page")
    message_launch = KurswerkMessageLaunch(
        _adapter(request, form, session, runtime),
        key_sets=runtime.key_sets,
        settings=runtime.settings,
        now=now,
        storage_proof=proof,
    )
    try:
        message_launch.validate()
    except PlatformStorageCheck as check:
        log.info("launch without state cookie: reading state from platform storage")
        return _platform_storage_check_page(request, check.storage, form)
    except StateCookieMissing as blocked:
        log.info("launch without state cookie: offering a new window")
        return _cookies_blocked_page(request, blocked.login_params, form.get("id_token", ""))

    claims = message_launch.claims
    identity = identities.record_launch(session, match=message_launch.match, claims=claims, now=now)
    offered = endpoints.record_services(
        session, context_id=identity.context_id, claims=claims, now=now
    )
    roster.request_roster_refresh(
        session, context_id=identity.context_id, memberships_url=offered.memberships_url, now=now
    )
    named_course = identities_mod.course_named(claims)
    if named_course is not None:  # binds the LMS course, or refuses (bound to another)
        extensions.get(COURSE_BINDER)(session, identity.context_id, named_course)
    principal = Principal(
        user_id=identity.user_id,
        context_id=identity.context_id,
        platform_id=identity.platform_id,
        role=identity.role,
        name=identity.name,
        # The person's choice, else the LMS's; a launch naming no language we speak gets
        # the deployment's KURSWERK_DEFAULT_LOCALE.
        locale=i18n.supported_locale(identity.locale) or runtime.settings.default_locale,
        sid=SessionCodec.new_sid(),
    )
    codec: SessionCodec = request.app.state.session_codec
    token = codec.issue(principal)
    landing = _landing(request, session, message_launch, identity, now)
    target = with_query(landing, kt=token)
    response = RedirectResponse(target, status_code=303)
    response.headers.append("Set-Cookie", codec.cookie_header(principal))
    message_launch.clear_state_cookie(response)
    log.info(
        "launch ok: platform=%s user=%s context=%s role=%s launch_id=%s%s",
        identity.platform_id,
        identity.user_id,
        identity.context_id,
        identity.role.value,
        message_launch.get_launch_id(),
        " (state from platform storage)" if message_launch.bound_by_platform_storage else "",
    )
    return response


def _landing(
    request: Request,
    session: Session,
    message_launch: KurswerkMessageLaunch,
    identity: LaunchIdentity,
    now: datetime,
) -> str:
    """Where each message type lands: the link's place, the deep-linking picker, or the
    reviewed submission."""
    claims = message_launch.claims
    if message_launch.message_type == DEEP_LINKING_REQUEST:
        if not identity.role.rank >= Role.TUTOR.rank:
            raise Forbidden(
                N_(
                    "Inhalte in den Kurs einfügen können nur Personen mit der LMS-Rolle "
                    "Lehrende oder Administration."
                ),
                reason="deep linking by a learner",
            )
        launch_id = message_launch.get_launch_id()
        request_ = deep_linking.DeepLinkRequest.from_claims(
            claims,
            launch_id=launch_id,
            user_id=identity.user_id,
            context_id=identity.context_id,
            platform_id=identity.platform_id,
            client_id=message_launch.match.client_id,
        )
        deep_linking.save_request(
            session,
            request_,
            now=now,
            ttl=timedelta(minutes=runtime_of(request).settings.session_ttl_minutes),
        )
        return request_path(
            request, "lti_deep_link", context=identity.context_id, launch_id=launch_id
        )
    if message_launch.message_type == SUBMISSION_REVIEW_REQUEST:
        reviewed = review.review_request(session, identity=identity, claims=claims, now=now)
        return review.review_landing(session, service.review_target(), reviewed)
    return identities.landing_path(identity.context_id, claims)


def _platform_storage_check_page(
    request: Request, storage: platform_storage.PlatformStorage, form: dict[str, str]
) -> Response:
    """A page that reads this login's state and nonce back from the platform's storage
    and posts them, with the launch, to ``/lti/launch`` again (from our own origin)."""
    state = form.get("state", "")
    page = render(
        request,
        "lti/platform_storage.html",
        {
            "mode": "get",
            "storage": storage,
            "auth_url": "",
            "keys": {
                platform_storage.STATE_FIELD: platform_storage.state_key(state),
                platform_storage.NONCE_FIELD: platform_storage.nonce_key(state),
            },
            "fields": {
                "id_token": form.get("id_token", ""),
                "state": state,
                platform_storage.CHECKED_FIELD: "1",
            },
            "launch_url": str(request.url_for("lti_launch").path),
        },
    )
    # The post back must carry our Origin (checked): "no-referrer" would make it "null".
    # The page holds no page token, so its same-origin referrer leaks nothing (the
    # template's meta says the same).
    page.headers["Referrer-Policy"] = "same-origin"
    return page


def _cookies_blocked_page(
    request: Request, login_params: dict[str, str], id_token: str
) -> Response:
    """The browser refused our state cookie in the iframe: offer a launch first-party, in
    a new window: a fresh one from the platform's own launch URL where it has one (Moodle:
    its hint is single-use), else the same login again. The language comes from the (not
    yet verified) token's ``launch_presentation.locale``; it chooses only the language of
    this page."""
    locale = i18n.normalise_locale(_unverified_locale(id_token))
    fresh = login_params.get(relaunch.FRESH_LAUNCH_PARAM, "")
    return render(
        request,
        "lti/cookies_blocked.html",
        {
            "fresh_launch_url": fresh.split("?", 1)[0],
            "fresh_launch_query": parse_qsl(fresh.split("?", 1)[1]) if "?" in fresh else [],
            "login_params": {k: v for k, v in login_params.items() if k in FORWARDED_PARAMS},
            "login_url": str(request.url_for("lti_login").path),
        },
        locale=locale,
    )


def _unverified_locale(id_token: str) -> str | None:
    try:
        body = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    presentation = (
        body.get(identities.CLAIM + "launch_presentation") if isinstance(body, dict) else None
    )
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    return locale if isinstance(locale, str) else None
