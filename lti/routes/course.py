"""LTI Advantage pages inside a course: the deep-linking picker, the roster, the
submission-review fallback and the admins' list of LMS calls that did not go through.

Thin like every route module: parse, authorise, call the service, render. Included by
the app factory. Plain ``def`` routes: the roster fetches from the LMS.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from kurswerk.core import i18n
from kurswerk.core.auth import ContextPrincipal, Principal, Role, require_role
from kurswerk.core.clock import utcnow
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import RowId, SessionDep
from kurswerk.core.errors import AppError, Forbidden, NotFound
from kurswerk.core.extensions import CourseHomeLink
from kurswerk.core.i18n import N_
from kurswerk.core.paths import request_path
from kurswerk.core.templating import redirect_to, render
from lti import deep_linking, review, service
from lti.capabilities import course_services
from lti.deep_linking import DeepLinkRequest, LinkTarget
from lti.lms_calls import lms_call_problems, retry_lms_call
from lti.models import LmsContext
from lti.roster import RosterUnavailable, course_roster, record_members
from lti.service_client import service_client

SELECTION_GONE = N_(
    "Diese Auswahl ist abgelaufen oder wurde schon an das LMS übergeben. Starten Sie "
    "das Einfügen im LMS erneut."
)

log = logging.getLogger("kurswerk.lti")

router = APIRouter()
TutorPrincipal = Annotated[Principal, require_role(Role.TUTOR)]
AdminPrincipal = Annotated[Principal, require_role(Role.ADMIN)]


# --- deep linking ----------------------------------------------------------------------


def _deep_link_request(session: Session, principal: Principal, launch_id: str) -> DeepLinkRequest:
    request = deep_linking.load_request(
        session,
        launch_id,
        user_id=principal.user_id,
        context_id=principal.context_id,
        now=utcnow(),
    )
    if request is None:
        raise NotFound(
            SELECTION_GONE,
            reason=f"no deep-linking request {launch_id!r}",
        )
    return request


GROUP_LABELS = {
    "course": N_("Kurs"),
    "lesson": N_("Lektionen"),
    "exercise": N_("Übungen"),
    "forum": N_("Foren der Lektionen"),
}
"""The deep-link picker's heading for each kind of target."""


def _targets(request: Request, session: Session, context_id: int) -> list[LinkTarget]:
    catalog = service.deep_link_catalog()
    return deep_linking.usable_targets(catalog.items(session, context_id))


def _picker(
    request: Request,
    dl: DeepLinkRequest,
    targets: list[LinkTarget],
    *,
    error: str = "",
    chosen: tuple[str, ...] = (),
    status_code: int = 200,
) -> HTMLResponse:
    groups = [
        (GROUP_LABELS[kind], [t for t in targets if t.kind == kind]) for kind in deep_linking.KINDS
    ]
    return render(
        request,
        "lti/deep_link_picker.html",
        {
            "dl": dl,
            "groups": [(label, items) for label, items in groups if items],
            "error": error,
            "chosen": set(chosen),
            "action": request_path(
                request, "lti_deep_link_answer", context=dl.context_id, launch_id=dl.launch_id
            ),
        },
        status_code=status_code,
    )


@router.get("/c/{context}/lti/deep-link/{launch_id}", name="lti_deep_link")
def deep_link_picker(
    request: Request, principal: TutorPrincipal, session: SessionDep, launch_id: str
) -> HTMLResponse:
    dl = _deep_link_request(session, principal, launch_id)
    return _picker(request, dl, _targets(request, session, principal.context_id))


@router.post(
    "/c/{context}/lti/deep-link/{launch_id}",
    name="lti_deep_link_answer",
    dependencies=[CsrfChecked],
)
def deep_link_answer(
    request: Request,
    principal: TutorPrincipal,
    session: SessionDep,
    launch_id: str,
    action: Annotated[str, Form()] = "add",
    chosen: Annotated[list[str], Form(alias="target")] = [],  # noqa: B006 - FastAPI form
) -> HTMLResponse:
    """Answer the platform once: the chosen places as resource links, or nothing."""
    # The key first: on SQLite, creating it (first use) must not wait on our own write.
    key = request.app.state.lti.tool_key()
    dl = _deep_link_request(session, principal, launch_id)
    targets = _targets(request, session, principal.context_id)
    items: list[dict[str, object]] = []
    message = None
    if action != "cancel":
        by_key = {target.key: target for target in targets}
        picked = list(dict.fromkeys(chosen))
        unknown = [key for key in picked if key not in by_key]
        if unknown:
            raise AppError(
                N_("Der gewählte Ort gehört nicht zu diesem Kurs."),
                reason=f"not in the catalog: {unknown!r}",
            )
        error = ""
        if not dl.accepts_links:
            error = N_(
                "Ihr LMS nimmt an dieser Stelle keine LTI-Links an. Sie können nur abbrechen."
            )
        elif not picked:
            error = N_("Bitte wählen Sie mindestens einen Ort.")
        elif len(picked) > 1 and not dl.accept_multiple:
            error = N_("Ihr LMS nimmt hier nur einen Link an. Bitte wählen Sie einen.")
        if error:
            return _picker(request, dl, targets, error=error, chosen=tuple(picked), status_code=400)
        launch_url = request.app.state.settings.base_url + request_path(request, "lti_launch")
        items = [
            deep_linking.content_item(
                by_key[key], launch_url=launch_url, accept_lineitem=dl.accept_lineitem
            )
            for key in picked
        ]
        message = i18n.ngettext(
            principal.locale,
            "%(count)s Kurswerk-Inhalt eingefügt",
            "%(count)s Kurswerk-Inhalte eingefügt",
            len(items),
            count=len(items),
        )
    if not deep_linking.forget_request(session, launch_id):  # a second answer: refused
        raise NotFound(
            SELECTION_GONE,
            reason="deep-linking request already answered",
        )
    token = deep_linking.response_jwt(dl, items, key, message=message)
    log.info("deep-linking answer: %d item(s) to platform %s", len(items), dl.platform_id)
    return render(
        request,
        "lti/deep_link_return.html",
        {"return_url": dl.return_url, "jwt": token, "count": len(items)},
    )


# --- submission review fallback --------------------------------------------------------


@router.get("/c/{context}/lti/review/{user_id}", name="lti_review_unavailable")
def review_unavailable(
    request: Request, principal: ContextPrincipal, session: SessionDep, user_id: int
) -> HTMLResponse:
    """Where a submission review lands when no package names a page for it (the
    feedback package does; see ``feedback.review_landing``)."""
    if not principal.at_least(Role.TUTOR) and user_id != principal.user_id:
        raise Forbidden(
            N_("Sie können nur Ihre eigene Einreichung einsehen."),
            reason="learner asked for another learner",
        )
    name = review.reviewed_name(session, for_user_id=user_id, platform_id=principal.platform_id)
    return render(request, "lti/review_unavailable.html", {"name": name})


# --- roster ----------------------------------------------------------------------------


ROSTER_LINK = CourseHomeLink(
    N_("Teilnehmendenliste des LMS"), "lti_roster", frozenset({Role.TUTOR, Role.ADMIN})
)
"""The roster on the course home, for tutors and admins."""


@router.get("/c/{context}/roster", name="lti_roster")
def roster(request: Request, principal: TutorPrincipal, session: SessionDep) -> HTMLResponse:
    context = session.get(LmsContext, principal.context_id)
    try:
        members = course_roster(
            session, service_client(request.app), context_id=principal.context_id
        )
    except RosterUnavailable as unavailable:
        return render(
            request,
            "lti/roster.html",
            {"roster": None, "problem": unavailable, "title": context.title if context else ""},
        )
    # what the roster says, recorded: tutors who never launched get the tutors' mails
    record_members(session, context_id=principal.context_id, members=members.members)
    members.members.sort(key=lambda m: (m.display_name.casefold(), m.user_id))
    return render(
        request,
        "lti/roster.html",
        {"roster": members, "problem": None, "title": members.context_title},
    )


# --- LMS calls that did not go through -------------------------------------------------


LMS_CALLS_LINK = CourseHomeLink(
    N_("Nicht zugestellte Bewertungen an das LMS"), "lti_lms_calls", frozenset({Role.ADMIN})
)
"""The LMS calls that did not go through, on the course home, for admins."""


@router.get("/c/{context}/lti/lms-calls", name="lti_lms_calls")
def lms_calls(request: Request, principal: AdminPrincipal, session: SessionDep) -> HTMLResponse:
    problems = lms_call_problems(
        session, platform_id=principal.platform_id, context_id=principal.context_id
    )
    services = course_services(session, principal.context_id)
    retried = request.query_params.get("retried") == "1"
    return render(
        request,
        "lti/lms_calls.html",
        {"problems": problems, "services": services, "retried": retried},
    )


@router.post(
    "/c/{context}/lti/lms-calls/{call_id}/retry",
    name="lti_lms_call_retry",
    dependencies=[CsrfChecked],
)
def lms_call_retry(
    request: Request, principal: AdminPrincipal, session: SessionDep, call_id: RowId
) -> RedirectResponse:
    """Send a refused call once more (the worker picks it up); back to the list."""
    if not retry_lms_call(
        session, call_id, platform_id=principal.platform_id, context_id=principal.context_id
    ):
        raise NotFound(
            N_("Diese Bewertung gibt es hier nicht, oder sie wurde nicht abgelehnt."),
            reason=f"no refused LMS call {call_id} here",
        )
    log.info("admin %s retries LMS call %s", principal.user_id, call_id)
    target = request.url_for("lti_lms_calls", context=str(principal.context_id)).path
    return redirect_to(request, principal, target, retried="1")
