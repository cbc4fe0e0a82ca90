"""HTTP routes of the uploads domain (coaching administration, submissions)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI

from kurswerk import i18n
from kurswerk.templating import add_template_folder
from uploads import coaching_views, submission_views
from uploads.messages import COACHING_MESSAGES, MESSAGES

router = APIRouter()
router.include_router(submission_views.router)
router.include_router(coaching_views.router)


def install(app: FastAPI) -> None:
    add_template_folder(Path(__file__).parent / "templates")
    i18n.register(MESSAGES)
    submission_views.install(app)
    i18n.register(COACHING_MESSAGES)
