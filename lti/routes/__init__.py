"""The LTI router under ``/lti`` and its ``install``: the launch (``lti.routes.launch``:
``/lti/login``, ``/lti/launch``), the key set (``lti.routes.jwks``) and dynamic registration
(``lti.routes.registration``); the pages inside a course are in ``lti.routes.course``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from kurswerk.core import i18n
from kurswerk.core.lms_home import register_lms_home
from kurswerk.core.locale_choice import register_locale_choice_store
from kurswerk.core.templating import add_template_folder
from lti import identities
from lti.messages import MESSAGES
from lti.registrations import platform_home
from lti.routes import course as pages
from lti.routes import jwks, launch, registration
from lti.runtime import LtiRuntime

i18n.register(MESSAGES)
add_template_folder(Path(__file__).resolve().parents[1] / "templates")

router = APIRouter(prefix="/lti")
router.include_router(launch.router)
router.include_router(jwks.router)
router.include_router(registration.router)


def install(app: FastAPI) -> None:
    """Called by the app factory: per-process LTI state, the CSP frame ancestors, where
    the language switch stores a person's choice, the pages inside a course, and the few
    static files of the LTI hops."""
    runtime = LtiRuntime(app.state.settings, app.state.engine)
    app.state.lti = runtime
    app.state.frame_ancestors = runtime.frame_ancestors
    register_locale_choice_store(app, identities.remember_chosen_locale)
    register_lms_home(app, platform_home)
    app.include_router(pages.router)
    app.mount(
        "/lti/static",
        StaticFiles(directory=Path(__file__).resolve().parents[1] / "static"),
        name="lti_static",
    )
