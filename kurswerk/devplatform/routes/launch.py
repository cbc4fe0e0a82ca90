"""The LMS course page and the launch, as the platform does it: pick a person, open a
link (or, as a teacher, add links by deep linking); the login initiation auto-posted to the
tool, the OIDC auth endpoint answering with the id_token, Moodle's own launch URL, the
platform-storage frame, the tool's deep-linking answer and ``launch_presentation.return_url``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from kurswerk.core.i18n import N_
from kurswerk.devplatform.config import Person, SimulatorConfig
from kurswerk.devplatform.deep_linking import DeepLinkRefused, accept_response
from kurswerk.devplatform.lms import CourseState
from kurswerk.devplatform.oidc import (
    DEEP_LINKING_REQUEST,
    SUBMISSION_REVIEW_REQUEST,
    LaunchPurpose,
    Refused,
    authorize,
    login_initiation,
)
from kurswerk.devplatform.routes.common import (
    autopost,
    form_fields,
    gettext,
    origin,
    refused,
    render,
)

NO_SUCH_PERSON = N_("Diese Person gibt es in diesem Kurs nicht.")

# The LMS's own login, as far as the simulator has one: the person chosen on the course
# page, kept first-party so that Moodle's launch URL works in a window of its own.
PERSON_COOKIE = "devplatform_person"

router = APIRouter()


def _launch_url(person: Person, link: str = "", purpose: str = "") -> str:
    query = urlencode({k: v for k, v in (("link", link), ("purpose", purpose)) if v})
    return f"/launch/{person.key}" + (f"?{query}" if query else "")


@router.get("/", response_class=HTMLResponse, name="course")
def course_page(
    request: Request, person: str = "", link: str = "", purpose: str = ""
) -> HTMLResponse:
    config: SimulatorConfig = request.app.state.config
    course: CourseState = request.app.state.course
    chosen = config.person(person) if person else None
    with course.lock:
        links = list(course.links.values())
    link = link if link in {each.id for each in links} else config.course.resource_link_id
    deep_linking = purpose == "deep-link" and chosen is not None and chosen.teaches
    opened = next(each for each in links if each.id == link)
    page = render(
        request,
        "devplatform/course.html",
        {
            "chosen": chosen,
            "links": links,
            "opened": opened,
            "deep_linking": deep_linking,
            "launch_url": (
                _launch_url(chosen, purpose="deep-link")
                if chosen and deep_linking
                else _launch_url(
                    chosen, link="" if link == config.course.resource_link_id else link
                )
                if chosen
                else ""
            ),
            "tool_origin": origin(config.tool_base_url),
            "storage_target": config.storage_target,
        },
    )
    if chosen is not None:
        page.set_cookie(PERSON_COOKIE, chosen.key, httponly=True, samesite="lax")
    return page


@router.get("/launch/{person_key}", response_class=HTMLResponse, name="launch")
def launch(
    request: Request,
    person_key: str,
    link: str = "",
    purpose: str = "",
    review: str = "",
    line_item: str = "",
) -> HTMLResponse:
    config: SimulatorConfig = request.app.state.config
    person: Person | None = config.person(person_key)
    if person is None:
        return refused(request, gettext(config, NO_SUCH_PERSON), 404)
    return _start_launch(
        request, person, link=link, purpose=purpose, review=review, line_item=line_item
    )


@router.get("/mod/lti/launch.php", response_class=HTMLResponse, name="moodle_launch")
def moodle_launch(request: Request, id: int = 0) -> HTMLResponse:
    """Moodle's own launch URL of an activity: a fresh login for whoever is logged in to
    the LMS (here: the person chosen on the course page, kept in a first-party cookie)."""
    config: SimulatorConfig = request.app.state.config
    course: CourseState = request.app.state.course
    person = config.person(request.cookies.get(PERSON_COOKIE, ""))
    if config.launch_style != "moodle":
        return refused(request, gettext(config, NO_SUCH_PERSON), 404)
    if person is None:
        return refused(
            request,
            gettext(
                config,
                "Sie sind im LMS nicht angemeldet: Wählen Sie auf der Kursseite, wer Sie "
                "sind, und öffnen Sie die Aktivität dann erneut.",
            ),
            403,
        )
    link = course.link_of_cmid(id)
    if link is None:
        return refused(request, gettext(config, NO_SUCH_PERSON), 404)
    return _start_launch(request, person, link=link)


def _start_launch(
    request: Request,
    person: Person,
    *,
    link: str = "",
    purpose: str = "",
    review: str = "",
    line_item: str = "",
) -> HTMLResponse:
    """Auto-POST the login initiation for one click: a link, deep linking or a review."""
    config: SimulatorConfig = request.app.state.config
    course: CourseState = request.app.state.course
    if purpose == "deep-link":
        if not person.teaches:
            return refused(request, gettext(config, "Nur Lehrende können Inhalte hinzufügen."), 403)
        intent = LaunchPurpose(message_type=DEEP_LINKING_REQUEST)
    elif review:
        with course.lock:
            item = course.line_items.get(line_item)
        if not person.teaches or item is None or config.person(review) is None:
            return refused(request, gettext(config, NO_SUCH_PERSON), 404)
        intent = LaunchPurpose(
            message_type=SUBMISSION_REVIEW_REQUEST,
            link_id=item.resource_link_id
            if item.resource_link_id in course.links
            else config.course.resource_link_id,
            for_user=review,
            line_item_id=item.id,
        )
    else:
        if link and link not in course.links:
            return refused(request, gettext(config, NO_SUCH_PERSON), 404)
        intent = LaunchPurpose(link_id=link or None)
    cmid = None
    if intent.message_type != DEEP_LINKING_REQUEST:
        cmid = course.cmid_of(intent.link_id or config.course.resource_link_id)
    fields = login_initiation(config, request.app.state.launches, person, intent, cmid=cmid)
    return autopost(request, config.tool_login_url, fields)


@router.get("/post_message_forwarding", response_class=HTMLResponse, name="storage_frame")
def storage_frame(request: Request) -> HTMLResponse:
    """Canvas-like platform storage: the hidden frame named by ``lti_storage_target``
    answers the tool's ``lti.capabilities``/``lti.put_data``/``lti.get_data``."""
    return render(request, "devplatform/storage_frame.html", {})


@router.api_route(
    "/mod/lti/auth.php", methods=["GET", "POST"], response_class=HTMLResponse, name="moodle_auth"
)
@router.api_route("/auth", methods=["GET", "POST"], response_class=HTMLResponse, name="auth")
async def auth(request: Request) -> HTMLResponse:
    """OIDC allows the authentication request by GET or by form POST (Core §3.1.2.1)."""
    params = dict(request.query_params)
    if request.method == "POST":
        params.update(await form_fields(request))
    state = request.app.state
    answer = authorize(state.config, state.key, state.launches, params, course=state.course)
    if isinstance(answer, Refused):
        return refused(request, answer.reason, 400)
    return autopost(request, answer.action, answer.fields)


@router.post("/deep-link/return", response_class=HTMLResponse, name="deep_link_return")
async def deep_link_return(request: Request) -> HTMLResponse:
    """The tool's ``LtiDeepLinkingResponse`` arrives here (inside the iframe)."""
    fields = await form_fields(request)
    state = request.app.state
    try:
        # The tool's JWKS may be fetched (blocking I/O): off the event loop.
        result = await run_in_threadpool(
            accept_response, state.config, state.course, state.tool_keys, fields.get("JWT", "")
        )
    except DeepLinkRefused as refusal:
        return refused(request, str(refusal), 400)
    return render(request, "devplatform/deep_link_done.html", {"result": result})


@router.get("/return", response_class=HTMLResponse, name="return")
def returned(request: Request, lti_msg: str = "", lti_errormsg: str = "") -> HTMLResponse:
    return render(
        request,
        "devplatform/return.html",
        {"lti_msg": lti_msg[:2000], "lti_errormsg": lti_errormsg[:2000]},
    )
