"""The simulator as a FastAPI app: the LMS course page and the platform's endpoints.

Pages (German, like a German Moodle):
  ``GET /``                  the LMS course: pick a person, open one of the course's
                             Kurswerk links (or, as a tutor, add some by deep linking);
                             the tool opens in an iframe
  ``GET /launch/{person}``   inside the iframe: auto-POSTs the login initiation to the tool
                             (``?link=``, ``?purpose=deep-link``, ``?review=&line_item=``)
  ``GET|POST /auth``         OIDC auth endpoint: auto-POSTs the id_token to the tool
  ``POST /deep-link/return`` takes the tool's deep-linking answer (``deep_linking``)
  ``GET /gradebook``         scores and comments as the tool posts them; submission review
  ``GET /roster``            the course's people, as the roster service lists them
  ``GET /tools``             dynamic registration of the tool (``registration``)
  ``GET /return``            ``launch_presentation.return_url``
  ``GET /mails``             "Postausgang (Demo)": the mails the demo's SMTP catcher
                             caught, newest first; ``/mails/{id}`` one of them
Machine endpoints: ``GET /jwks`` (the simulator's public key), ``POST /token``, the AGS
and NRPS services (``service_routes``), ``GET /.well-known/openid-configuration`` and
``POST /register-tool``.

Never part of production: ``create_simulator`` refuses unless ``KURSWERK_ENV`` is ``dev``
or ``test``, and the tool's app factory does not mount it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kurswerk.core import i18n
from kurswerk.core.settings import Settings, get_settings
from kurswerk.devplatform import service_routes, services
from kurswerk.devplatform.config import Person, SimulatorConfig
from kurswerk.devplatform.deep_linking import DeepLinkRefused, accept_response
from kurswerk.devplatform.keys import SigningKey
from kurswerk.devplatform.lms import CourseState
from kurswerk.devplatform.mailcatcher import MailStore
from kurswerk.devplatform.messages import MESSAGES
from kurswerk.devplatform.oidc import (
    DEEP_LINKING_REQUEST,
    SUBMISSION_REVIEW_REQUEST,
    LaunchPurpose,
    PendingLaunches,
    Refused,
    authorize,
    login_initiation,
)
from kurswerk.devplatform.persist import COURSE_FILE
from kurswerk.devplatform.registration import (
    RegistrationTokens,
    openid_configuration,
    register_tool,
)
from kurswerk.devplatform.token import AccessTokens, JwksToolKeys, ToolKeys, issue_access_token

ALLOWED_ENVS = ("dev", "test")
# The LMS's own login, as far as the simulator has one: the person chosen on the course
# page, kept first-party so that Moodle's launch URL works in a window of its own.
PERSON_COOKIE = "devplatform_person"
_HERE = Path(__file__).parent

i18n.register(MESSAGES)
_templates = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
router = APIRouter()


def create_simulator(
    config: SimulatorConfig,
    *,
    settings: Settings | None = None,
    key: SigningKey | None = None,
    tool_keys: ToolKeys | None = None,
    mail_store: MailStore | None = None,
    data_dir: Path | None = None,
) -> FastAPI:
    """The simulator app for ``config``; a fresh RSA key unless ``key`` is given.
    ``mail_store``: what the demo's SMTP catcher caught (``/mails`` shows it).
    ``data_dir``: where the course's links, gradebook and registration are kept across
    restarts (the demo's data folder); in memory only without it."""
    env = (settings or get_settings()).env
    if env not in ALLOWED_ENVS:
        raise RuntimeError(
            f"The LMS simulator runs only with KURSWERK_ENV=dev or test (not {env!r})."
        )
    app = FastAPI(title="Kurswerk LMS-Simulator", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.config = config
    app.state.key = key or SigningKey.generate()
    app.state.launches = PendingLaunches(config.launch_ttl_seconds)
    app.state.tokens = AccessTokens(ttl_seconds=config.access_token_ttl_seconds)
    app.state.tool_keys = tool_keys or JwksToolKeys(config.tool_jwks_url)
    app.state.course = CourseState(config, path=data_dir / COURSE_FILE if data_dir else None)
    app.state.registration_tokens = RegistrationTokens()
    app.state.mail_store = mail_store
    app.add_middleware(_PageHeaders, tool_origin=_origin(config.tool_base_url))
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")
    app.include_router(router)
    app.include_router(service_routes.router)
    return app


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    config: SimulatorConfig = request.app.state.config

    def translate(key: str, /, **params: Any) -> str:
        return _translate(config, key, **params)

    html = _templates.get_template(name).render(
        {"_": translate, "locale": i18n.normalise_locale(config.locale), "config": config} | context
    )
    return HTMLResponse(html, status_code=status_code)


def _translate(config: SimulatorConfig, key: str, /, **params: Any) -> str:
    return i18n.translate(i18n.normalise_locale(config.locale), key, **params)


async def _form_fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


def _refused(request: Request, reason: str, status: int) -> HTMLResponse:
    return _render(
        request,
        "devplatform/refused.html",
        {"reason": reason, "status": status},
        status_code=status,
    )


def _autopost(request: Request, action: str, fields: dict[str, str]) -> HTMLResponse:
    return _render(request, "devplatform/autopost.html", {"action": action, "fields": fields})


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
    page = _render(
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
            "tool_origin": _origin(config.tool_base_url),
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
        return _refused(request, _translate(config, "sim.not_found"), 404)
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
        return _refused(request, _translate(config, "sim.not_found"), 404)
    if person is None:
        return _refused(request, _translate(config, "sim.not_logged_in"), 403)
    link = course.link_of_cmid(id)
    if link is None:
        return _refused(request, _translate(config, "sim.not_found"), 404)
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
            return _refused(request, _translate(config, "sim.teachers_only"), 403)
        intent = LaunchPurpose(message_type=DEEP_LINKING_REQUEST)
    elif review:
        with course.lock:
            item = course.line_items.get(line_item)
        if not person.teaches or item is None or config.person(review) is None:
            return _refused(request, _translate(config, "sim.not_found"), 404)
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
            return _refused(request, _translate(config, "sim.not_found"), 404)
        intent = LaunchPurpose(link_id=link or None)
    cmid = None
    if intent.message_type != DEEP_LINKING_REQUEST:
        cmid = course.cmid_of(intent.link_id or config.course.resource_link_id)
    fields = login_initiation(config, request.app.state.launches, person, intent, cmid=cmid)
    return _autopost(request, config.tool_login_url, fields)


@router.get("/post_message_forwarding", response_class=HTMLResponse, name="storage_frame")
def storage_frame(request: Request) -> HTMLResponse:
    """Canvas-like platform storage: the hidden frame named by ``lti_storage_target``
    answers the tool's ``lti.capabilities``/``lti.put_data``/``lti.get_data``."""
    return _render(request, "devplatform/storage_frame.html", {})


@router.api_route(
    "/mod/lti/auth.php", methods=["GET", "POST"], response_class=HTMLResponse, name="moodle_auth"
)
@router.api_route("/auth", methods=["GET", "POST"], response_class=HTMLResponse, name="auth")
async def auth(request: Request) -> HTMLResponse:
    """OIDC allows the authentication request by GET or by form POST (Core §3.1.2.1)."""
    params = dict(request.query_params)
    if request.method == "POST":
        params.update(await _form_fields(request))
    state = request.app.state
    answer = authorize(state.config, state.key, state.launches, params, course=state.course)
    if isinstance(answer, Refused):
        return _refused(request, answer.reason, 400)
    return _autopost(request, answer.action, answer.fields)


@router.get("/jwks", name="jwks")
def jwks(request: Request) -> JSONResponse:
    request.app.state.course.requests["jwks"] += 1
    return JSONResponse(request.app.state.key.jwks())


@router.post("/token", name="token")
async def token(request: Request) -> JSONResponse:
    params = await _form_fields(request)
    state = request.app.state
    state.course.requests["token"] += 1
    failure = state.course.faults.status_for("token")
    if failure:
        return JSONResponse({"error": "simulated failure"}, status_code=failure)
    # The tool's JWKS is fetched with blocking I/O: keep it off the event loop.
    answer = await run_in_threadpool(
        issue_access_token, state.config, state.tool_keys, state.tokens, params
    )
    return JSONResponse(answer.body, status_code=answer.status)


# --- deep linking, gradebook, roster, registration pages ---------------------------


@router.post("/deep-link/return", response_class=HTMLResponse, name="deep_link_return")
async def deep_link_return(request: Request) -> HTMLResponse:
    """The tool's ``LtiDeepLinkingResponse`` arrives here (inside the iframe)."""
    fields = await _form_fields(request)
    state = request.app.state
    try:
        # The tool's JWKS may be fetched (blocking I/O): off the event loop.
        result = await run_in_threadpool(
            accept_response, state.config, state.course, state.tool_keys, fields.get("JWT", "")
        )
    except DeepLinkRefused as refused:
        return _refused(request, str(refused), 400)
    return _render(request, "devplatform/deep_link_done.html", {"result": result})


def _teacher(config: SimulatorConfig, person: str) -> Person | None:
    chosen = config.person(person)
    return chosen if chosen is not None and chosen.teaches else None


@router.get("/gradebook", response_class=HTMLResponse, name="gradebook")
def gradebook(
    request: Request, person: str = "", review: str = "", line_item: str = ""
) -> HTMLResponse:
    """Every column (line item) with each learner's latest score and comment."""
    config: SimulatorConfig = request.app.state.config
    course: CourseState = request.app.state.course
    chosen = _teacher(config, person)
    with course.lock:
        columns = list(course.line_items.values())
        scores = dict(course.scores)
    learners = [p for p in config.people if p.learns]
    review_url = ""
    if chosen and review and line_item:
        review_url = f"/launch/{chosen.key}?" + urlencode(
            {"review": review, "line_item": line_item}
        )
    return _render(
        request,
        "devplatform/gradebook.html",
        {
            "chosen": chosen,
            "teachers": [p for p in config.people if p.teaches],
            "columns": columns,
            "learners": learners,
            "scores": scores,
            "review_url": review_url,
            "tool_origin": _origin(config.tool_base_url),
        },
    )


@router.get("/mails", response_class=HTMLResponse, name="mails")
def mails(request: Request) -> HTMLResponse:
    """The demo's outbox as the SMTP catcher received it, newest first."""
    store: MailStore | None = request.app.state.mail_store
    return _render(
        request,
        "devplatform/mails.html",
        {"catching": store is not None, "mails": store.newest_first() if store else []},
    )


@router.get("/mails/{mail_id}", response_class=HTMLResponse, name="mail")
def mail(request: Request, mail_id: int) -> HTMLResponse:
    """One caught mail: the text part as text, the HTML part only inside a sandboxed
    frame (``srcdoc``, escaped by the template; no scripts, no same origin)."""
    store: MailStore | None = request.app.state.mail_store
    caught = store.get(mail_id) if store else None
    if caught is None:
        return _refused(request, _translate(request.app.state.config, "sim.mail_unknown"), 404)
    return _render(request, "devplatform/mail.html", {"mail": caught})


@router.get("/roster", response_class=HTMLResponse, name="roster")
def roster(request: Request) -> HTMLResponse:
    config: SimulatorConfig = request.app.state.config
    return _render(
        request,
        "devplatform/roster.html",
        {"members": [services.member(config, p) for p in config.people]},
    )


@router.get("/tools", response_class=HTMLResponse, name="tools")
def tools(request: Request, start: str = "") -> HTMLResponse:
    """Dynamic registration: the admin starts it; the tool's page opens in a frame."""
    config: SimulatorConfig = request.app.state.config
    course: CourseState = request.app.state.course
    frame_url = ""
    if start:
        frame_url = (
            config.tool_registration_url
            + "?"
            + urlencode(
                {
                    "openid_configuration": config.openid_configuration_url,
                    "registration_token": request.app.state.registration_tokens.issue(),
                }
            )
        )
    with course.lock:
        registration = course.registration
    return _render(
        request,
        "devplatform/tools.html",
        {
            "registration": registration,
            "frame_url": frame_url,
            "tool_origin": _origin(config.tool_base_url),
        },
    )


@router.get("/.well-known/openid-configuration", name="openid_configuration")
def openid_configuration_document(request: Request) -> JSONResponse:
    return JSONResponse(openid_configuration(request.app.state.config))


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


@router.post("/register-tool", name="register_tool")
async def registration_endpoint(request: Request) -> JSONResponse:
    state = request.app.state
    answer = register_tool(
        state.config,
        state.course,
        state.registration_tokens,
        request.headers.get("authorization"),
        await _json(request),
    )
    return JSONResponse(answer.body, status_code=answer.status)


@router.get("/return", response_class=HTMLResponse, name="return")
def returned(request: Request, lti_msg: str = "", lti_errormsg: str = "") -> HTMLResponse:
    return _render(
        request,
        "devplatform/return.html",
        {"lti_msg": lti_msg[:2000], "lti_errormsg": lti_errormsg[:2000]},
    )


class _PageHeaders:
    """Security headers for the simulator's pages: it frames the tool and posts to it,
    and nothing else."""

    def __init__(self, app: ASGIApp, tool_origin: str) -> None:
        self.app = app
        self.policy = "; ".join(
            [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src 'self' data:",
                f"frame-src 'self' {tool_origin}",
                f"form-action 'self' {tool_origin}",
                "frame-ancestors 'self'",
                "base-uri 'none'",
                "object-src 'none'",
            ]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", self.policy)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
