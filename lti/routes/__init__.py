"""The LTI router under ``/lti``: the launch (``lti.routes.launch``: ``/lti/login``,
``/lti/launch``), the key set (``lti.routes.jwks``) and dynamic registration
(``lti.routes.registration``); the pages inside a course are in ``lti.routes.course``.
The app factory includes both routers and mounts the static files; the composition root
registers the texts and templates.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from lti.routes import jwks, launch, registration

router = APIRouter(prefix="/lti")
router.include_router(launch.router)
router.include_router(jwks.router)
router.include_router(registration.router)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
STATIC_FOLDER = Path(__file__).resolve().parents[1] / "static"
"""The few static files of the LTI hops, served at ``/lti/static`` (the app factory
mounts them)."""
