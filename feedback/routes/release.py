"""The release confirmation (``GET /c/{context}/review/{id}/release``): what the learner
will receive - the text, the PDF(s), the email's subject, the gradebook comment and
score - before the tutor releases it with the form that posts to ``feedback_release``
(``feedback.routes.tutor``) with the draft's revision.

Thin: the content is ``feedback.release_preview``'s; a refusal (not the claim holder, no
text, released already) is the review page's, with its message and status.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from feedback.errors import EditRefused
from feedback.formatting import HELPERS
from feedback.release_preview import release_preview
from feedback.routes.tutor import StaffReview, settings_of, storage_of
from kurswerk.core.clock import utcnow
from kurswerk.core.templating import render

router = APIRouter(prefix="/c/{context}")


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
            **HELPERS,
        },
    )
