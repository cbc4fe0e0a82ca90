"""Saving the feedback text (``POST /c/{context}/review/{id}/feedback``), from the review
page's form and from its autosave script (``kurswerk/static/workbench/draft.js``).

The form carries ``draft_revision``, the revision of the text it was opened with
(``feedback.drafts.text_revision``); a form without it counts as opened on no text.
Sent by the browser, the answer is the review page: after a save, a redirect to it;
after a refusal, the page again (nothing written) with the tutor's text in the editor and,
when another tab saved in between (409), the text saved there beside it. Sent by the
script (``Accept: application/json``), the answer is JSON: ``{"revision", "saved_at"}``,
or a refusal (``feedback.http.json_refusal``) whose 409 conflict names the saved
``revision`` and ``text``.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from feedback import drafts
from feedback.errors import DraftConflict, EditRefused
from feedback.http import NO_STORE, json_refusal, wants_json
from feedback.routes.tutor import FORM_POST, FormData, StaffReview
from kurswerk.core.clock import as_utc

router = APIRouter(prefix="/c/{context}")


@router.post("/review/{submission_id}/feedback", name="feedback_save", dependencies=FORM_POST)
def save(review: StaffReview, form: FormData) -> Response:
    text = form.get("body", "")
    based_on = form.get("draft_revision", "")
    try:
        draft = drafts.save_draft(
            review.session,
            review.principal,
            review.submission_id,
            text,
            based_on=based_on,
            ttl=review.ttl,
        )
    except EditRefused as exc:
        if wants_json(review.request):
            review.session.rollback()
            return json_refusal(review.request, review.principal, exc)
        # After a conflict the form goes on from the saved text the page now shows.
        kept = None if isinstance(exc, DraftConflict) else based_on
        return review.refused(exc, text=text, draft_revision=kept)
    if wants_json(review.request):
        return JSONResponse(
            {
                "revision": drafts.text_revision(draft.body_markdown),
                "saved_at": as_utc(draft.updated_at).isoformat(),
            },
            headers=NO_STORE,
        )
    if form.get("action") == "preview":
        return review.back("kw-preview", preview="1")
    return review.back("kw-editor", done="saved")
