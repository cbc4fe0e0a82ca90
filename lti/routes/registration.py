"""``/lti/register``: LTI Dynamic Registration (``lti.dynamic_registration``), started
by a platform's admin; the page shows what was registered or why not."""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kurswerk.core.db import SessionDep
from kurswerk.core.i18n import N_
from kurswerk.core.security import content_security_policy
from kurswerk.core.templating import render
from lti import dynamic_registration, registrations
from lti.runtime import runtime_of

log = logging.getLogger("kurswerk.lti")

router = APIRouter()


def _registration_allowed(request: Request, key: str | None) -> None:
    """``KURSWERK_REGISTRATION_KEY``, when set, must come as ``?key=``; production without
    a key set refuses dynamic registration (anyone could register a platform)."""
    settings = runtime_of(request).settings
    expected = settings.registration_key.get_secret_value() if settings.registration_key else ""
    if expected:
        if not key or not hmac.compare_digest(expected.encode(), key.encode()):
            raise dynamic_registration.RegistrationFailed(
                N_(
                    "Die Registrierungs-URL ist unvollständig: Es fehlt der richtige "
                    "Schlüssel (?key=…)."
                ),
                403,
            )
    elif settings.env == "production":
        raise dynamic_registration.RegistrationFailed(
            N_(
                "Die dynamische Registrierung ist abgeschaltet. Setzen Sie "
                "KURSWERK_REGISTRATION_KEY und verwenden Sie die URL mit ?key=…"
            ),
            403,
        )


@router.get("/register", name="lti_register")
def register(
    request: Request,
    session: SessionDep,
    openid_configuration: str = "",
    registration_token: str | None = None,
    key: str | None = None,
) -> Response:
    """Dynamic registration (``lti.dynamic_registration``). The platform shows this page
    in a frame or window of its own: it may frame it before it is registered."""
    runtime = runtime_of(request)
    framing = registrations.origin_of(openid_configuration)
    try:
        _registration_allowed(request, key)
        if not openid_configuration:
            raise dynamic_registration.RegistrationFailed(
                dynamic_registration.BAD_URL, detail="openid_configuration"
            )
        platform = dynamic_registration.fetch_platform_configuration(
            runtime.http, openid_configuration, settings=runtime.settings
        )
        answer = dynamic_registration.post_tool_configuration(
            runtime.http, platform, registration_token, settings=runtime.settings
        )
        result = dynamic_registration.store_registration(session, platform, answer)
    except dynamic_registration.RegistrationFailed as failed:
        session.rollback()
        log.warning("dynamic registration failed: %s (%s)", failed.message, failed.reason)
        response = render(
            request,
            "lti/register_result.html",
            {"failed": failed, "result": None},
            status_code=failed.status_code,
        )
    else:
        log.info(
            "dynamic registration%s: platform %s (%s, client %s, deployment %s, scopes %s)",
            " (already registered, unchanged)" if result.already_registered else "",
            result.platform.id,
            result.platform.issuer,
            result.platform.client_id,
            result.deployment_id,
            " ".join(result.granted_scopes) or "-",
        )
        response = render(request, "lti/register_result.html", {"failed": None, "result": result})
    if framing:
        response.headers["Content-Security-Policy"] = content_security_policy([framing])
    return response
