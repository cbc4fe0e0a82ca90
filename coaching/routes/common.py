"""What every coaching page shares: the admin URL prefix and role, form fields as
strings, the confirmation lines after a redirect, and how a page is rendered and a refused
change is undone."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from coaching.common import CoachingRefused, Problem
from coaching.format import Formatter
from coaching.grants import grantees
from kurswerk.core.auth import Principal, Role, require_role
from kurswerk.core.i18n import N_
from kurswerk.core.paths import request_path
from kurswerk.core.templating import redirect_to, render
from lti.models import LmsContext

ADMIN = "/c/{context}/admin/coaching"

AdminPrincipal = Annotated[Principal, require_role(Role.ADMIN)]
Field = Annotated[str, Form()]


class _FormFields:
    """A dependency whose parameters (``__signature__``, read by FastAPI) are the named
    ``Field``s."""

    def __init__(self, names: tuple[str, ...]) -> None:
        keyword = inspect.Parameter.KEYWORD_ONLY
        self.__signature__ = inspect.Signature(
            [inspect.Parameter(name, keyword, default="", annotation=Field) for name in names]
        )

    def __call__(self, **fields: str) -> dict[str, str]:
        return fields


def form_fields(*names: str) -> Any:
    """A dependency: the named ``Field``s of a form as a dict, each as sent ("" when
    missing), for the form shown again when refused."""
    return Depends(_FormFields(names))


# The confirmation lines a redirect may ask for (``?done=<name>``; anything else is
# ignored), as message ids.
DONE = {
    "package_created": N_("Das Paket wurde angelegt."),
    "package_saved": N_("Die Änderungen wurden gespeichert."),
    "package_unchanged": N_("Es gab nichts zu ändern."),
    "package_archived": N_(
        "Das Paket wurde archiviert. Es kann nicht mehr vergeben werden; bestehende "
        "Vergaben gelten nicht mehr."
    ),
    "package_restored": N_("Das Paket ist wieder aktiv."),
    "granted": N_("Das Paket wurde vergeben."),
    "revoked": N_("Die Vergabe wurde widerrufen."),
    "extended": N_("Das Enddatum wurde geändert."),
    "unchanged": N_("Es gab nichts zu ändern."),
    "imported": N_(
        "Import abgeschlossen: %(granted)s neu vergeben, %(extended)s verlängert, "
        "%(unchanged)s unverändert."
    ),
    "roster_granted": N_(
        "Fertig: %(granted)s neu vergeben, %(already_held)s übersprungen (hatten das Paket schon)."
    ),
}


def coaching_path(request: Request, principal: Principal, name: str, /, **params: Any) -> str:
    """The path of the coaching page ``name`` in the principal's course."""
    return request_path(request, name, context=principal.context_id, **params)


def done_at(
    request: Request, principal: Principal, name: str, /, done: str, **params: Any
) -> RedirectResponse:
    """Post-redirect-get to the coaching page ``name`` (its path ``params``), with the
    confirmation line ``done``."""
    path = coaching_path(request, principal, name, **params)
    return redirect_to(request, principal, path, done=done)


def page(
    request: Request,
    principal: Principal,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    done = request.query_params.get("done")
    return render(
        request,
        f"coaching/{template}",
        {
            "fmt": Formatter(principal.locale),
            "done": DONE.get(done or ""),
            **context,
        },
        status_code=status_code,
    )


def refused_rollback(session: Session, refused: CoachingRefused) -> list[Problem]:
    """Nothing of a refused change may be committed by the request's session."""
    session.rollback()
    return refused.problems


def own_course(session: Session, principal: Principal) -> LmsContext:
    return grantees.get_course(
        session, platform_id=principal.platform_id, context_id=principal.context_id
    )
