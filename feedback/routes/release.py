"""The release confirmation (``GET /c/{context}/review/{id}/release``): what the learner
will receive - the text, the PDF(s), the email's subject, the gradebook comment and
score - before the tutor releases it with the form that posts to ``feedback_release``
(``feedback.routes.tutor``) with the draft's revision.

Thin: the content is ``feedback.release_preview``'s; a refusal (not the claim holder, no
text, released already) is the review page's, with its message and status.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.routing import NoMatchFound

from feedback.errors import EditRefused
from feedback.formatting import HELPERS
from feedback.release_preview import release_preview
from feedback.routes.tutor import StaffReview, settings_of, storage_of
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.paths import request_path
from kurswerk.core.templating import render

router = APIRouter(prefix="/c/{context}")

ANNOTATED_PREVIEW = "feedback_annotated_preview"
"""The route that writes the annotated PDF of the current annotations for a preview (the
annotation server's); linked only where the app has it."""


def annotated_preview_path(
    request: Request, principal: Principal, submission_id: int
) -> str | None:
    """The annotated PDF's preview, or None when this app has no such route."""
    try:
        return request_path(
            request, ANNOTATED_PREVIEW, context=principal.context_id, submission_id=submission_id
        )
    except NoMatchFound:
        return None


@router.get("/review/{submission_id}/release", name="feedback_release_confirm")
def release_confirm(review: StaffReview) -> HTMLResponse:
    request = review.request
    try:
        preview = release_preview(
            review.session,
            review.principal,
            review.submission_id,
            storage=storage_of(request),
            target_days=settings_of(request).feedback_target_days,
            now=utcnow(),
        )
    except EditRefused as exc:
        return review.refused(exc)
    return render(
        request,
        "feedback/release_confirm.html",
        {
            "preview": preview,
            "annotated_pdf": annotated_preview_path(
                request, review.principal, review.submission_id
            ),
            **HELPERS,
        },
    )
