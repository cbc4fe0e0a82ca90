"""The simulator as a FastAPI app: the LMS course page and the platform's endpoints.

Pages (German, like a German Moodle):
  ``GET /``                  the LMS course: pick a person, the tool opens in an iframe
  ``GET /launch/{person}``   inside the iframe: auto-POSTs the login initiation to the tool
  ``GET|POST /auth``         OIDC auth endpoint: auto-POSTs the id_token to the tool
  ``GET /return``            ``launch_presentation.return_url``
Machine endpoints: ``GET /jwks`` (the simulator's public key), ``POST /token``.

Never part of production: ``create_simulator`` refuses unless ``KURSWERK_ENV`` is ``dev``
or ``test``, and the tool's app factory does not mount it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kurswerk import i18n
from kurswerk.devplatform.config import Person, SimulatorConfig
from kurswerk.devplatform.keys import SigningKey
from kurswerk.devplatform.messages import MESSAGES
from kurswerk.devplatform.oidc import PendingLaunches, Refused, authorize, login_initiation
from kurswerk.devplatform.token import AccessTokens, JwksToolKeys, ToolKeys, issue_access_token
from kurswerk.settings import Settings, get_settings

ALLOWED_ENVS = ("dev", "test")
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
) -> FastAPI:
    """The simulator app for ``config``; a fresh RSA key unless ``key`` is given."""
    env = (settings or get_settings()).env
    if env not in ALLOWED_ENVS:
        raise RuntimeError(
            f"The LMS simulator runs only with KURSWERK_ENV=dev or test (not {env!r})."
        )
    app = FastAPI(title="Kurswerk LMS-Simulator", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.config = config
    app.state.key = key or SigningKey.generate()
    app.state.launches = PendingLaunches(config.launch_ttl_seconds)
    app.state.tokens = AccessTokens()
    app.state.tool_keys = tool_keys or JwksToolKeys(config.tool_jwks_url)
    app.add_middleware(_PageHeaders, tool_origin=_origin(config.tool_base_url))
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")
    app.include_router(router)
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


@router.get("/", response_class=HTMLResponse, name="course")
def course_page(request: Request, person: str = "") -> HTMLResponse:
    config: SimulatorConfig = request.app.state.config
    chosen = config.person(person) if person else None
    return _render(
        request,
        "devplatform/course.html",
        {
            "chosen": chosen,
            "launch_url": f"/launch/{chosen.key}" if chosen else "",
            "tool_origin": _origin(config.tool_base_url),
        },
    )


@router.get("/launch/{person_key}", response_class=HTMLResponse, name="launch")
def launch(request: Request, person_key: str) -> HTMLResponse:
    config: SimulatorConfig = request.app.state.config
    person: Person | None = config.person(person_key)
    if person is None:
        return _refused(request, _translate(config, "sim.not_found"), 404)
    fields = login_initiation(config, request.app.state.launches, person)
    return _autopost(request, config.tool_login_url, fields)


@router.api_route("/auth", methods=["GET", "POST"], response_class=HTMLResponse, name="auth")
async def auth(request: Request) -> HTMLResponse:
    """OIDC allows the authentication request by GET or by form POST (Core §3.1.2.1)."""
    params = dict(request.query_params)
    if request.method == "POST":
        params.update(await _form_fields(request))
    state = request.app.state
    answer = authorize(state.config, state.key, state.launches, params)
    if isinstance(answer, Refused):
        return _refused(request, answer.reason, 400)
    return _autopost(request, answer.action, answer.fields)


@router.get("/jwks", name="jwks")
def jwks(request: Request) -> JSONResponse:
    return JSONResponse(request.app.state.key.jwks())


@router.post("/token", name="token")
async def token(request: Request) -> JSONResponse:
    params = await _form_fields(request)
    state = request.app.state
    # The tool's JWKS is fetched with blocking I/O: keep it off the event loop.
    answer = await run_in_threadpool(
        issue_access_token, state.config, state.tool_keys, state.tokens, params
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
