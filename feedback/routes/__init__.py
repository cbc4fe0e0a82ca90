"""HTTP routes of the feedback domain (tutor queue, feedback, release)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from feedback.comment_bank import routes as comment_bank_views
from feedback.dialogue import routes as dialogue_views
from feedback.promises import routes as promise_pages
from feedback.routes import attachments as attachment_views
from feedback.routes import draft as draft_views
from feedback.routes import learner as learner_views
from feedback.routes import promise as promise_views
from feedback.routes import queue as queue_views
from feedback.routes import release as release_views
from feedback.routes import tutor as views
from feedback.workbench import routes as workbench_views

router = APIRouter()
router.include_router(queue_views.router)
router.include_router(views.router)
router.include_router(draft_views.router)
router.include_router(release_views.router)
router.include_router(attachment_views.router)
router.include_router(learner_views.router)
router.include_router(comment_bank_views.router)
router.include_router(promise_views.router)
router.include_router(promise_pages.router)

router.include_router(workbench_views.router)
router.include_router(dialogue_views.router)


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
