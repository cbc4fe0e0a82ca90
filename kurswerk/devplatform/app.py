"""The simulator as a FastAPI app: the LMS course page and the platform's endpoints, each
group in a module of ``kurswerk.devplatform.routes``.

Pages (German, like a German Moodle; ``routes.launch``, ``routes.admin``, ``routes.mails``):
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
Machine endpoints (``routes.endpoints``): ``GET /jwks`` (the simulator's public key),
``POST /token``, ``GET /.well-known/openid-configuration`` and ``POST /register-tool``;
the AGS and NRPS services (``routes.advantage``).

Never part of production: ``create_simulator`` refuses unless ``KURSWERK_ENV`` is ``dev``
or ``test``, and the tool's app factory does not mount it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from kurswerk.core.security import DefaultHeadersMiddleware
from kurswerk.core.settings import Settings, get_settings
from kurswerk.devplatform.config import SimulatorConfig
from kurswerk.devplatform.keys import SigningKey
from kurswerk.devplatform.lms import CourseState
from kurswerk.devplatform.mailcatcher import MailStore
from kurswerk.devplatform.oidc import PendingLaunches
from kurswerk.devplatform.persist import COURSE_FILE
from kurswerk.devplatform.registration import RegistrationTokens
from kurswerk.devplatform.routes import router
from kurswerk.devplatform.routes.common import origin
from kurswerk.devplatform.token import AccessTokens, JwksToolKeys, ToolKeys

ALLOWED_ENVS = ("dev", "test")
_HERE = Path(__file__).parent


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
    app.add_middleware(_PageHeaders, tool_origin=origin(config.tool_base_url))
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")
    app.include_router(router)
    return app


class _PageHeaders(DefaultHeadersMiddleware):
    """Security headers for the simulator's pages: it frames the tool and posts to it,
    and nothing else."""

    def __init__(self, app: ASGIApp, tool_origin: str) -> None:
        policy = "; ".join(
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
        super().__init__(
            app,
            {
                "Content-Security-Policy": policy,
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-store",
            },
        )
