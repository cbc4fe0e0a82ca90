"""HTTP routes of the feedback domain (tutor queue, feedback, release)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI

from feedback import review_landing
from feedback.messages import MESSAGES
from feedback.routes import attachments as attachment_views
from feedback.routes import learner as learner_views
from feedback.routes import queue as queue_views
from feedback.routes import tutor as views
from kurswerk.core import i18n
from kurswerk.core.templating import add_template_folder
from lti import service as lti_service
from uploads import service as uploads_service

router = APIRouter()
router.include_router(queue_views.router)
router.include_router(views.router)
router.include_router(attachment_views.router)
router.include_router(learner_views.router)


def install(app: FastAPI) -> None:
    add_template_folder(Path(__file__).resolve().parents[1] / "templates")
    i18n.register(MESSAGES)
    # A gradebook's "view submission" (LTI submission review) opens the submission here.
    lti_service.register_review_target(app, review_landing.review_target)
    # Released feedback on the learner's submission page, once the uploads domain offers
    # the slot (the submission pages are built in parallel); until then the learner's
    # feedback page (GET /c/{context}/feedback/{submission_id}) is where it is shown.
    register = getattr(uploads_service, "register_submission_panel", None)
    if register is not None:
        register(learner_views.feedback_panel)
