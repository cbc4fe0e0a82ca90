"""The review page's promise block: a tutor or admin announces a new feedback date with a
reason (``POST /c/{context}/review/{submission_id}/promise``, route ``promise_change``).
The rules are ``feedback.promises.change``; the block is ``_promise_block.html``.

Staff of the session's LMS course only (``StaffReview``: anyone else, a learner too, gets
404, like every id that is not theirs). CSRF checked. A refused date or reason shows the
review page again with the status of the refusal, the message linked to its field and
what was typed; nothing is written.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from feedback.promises import views as promise_views
from feedback.promises.change import ChangeRefused, announce_new_date
from feedback.routes.tutor import FORM_POST, FormData, StaffReview
from kurswerk.core.auth import email_links

router = APIRouter(prefix="/c/{context}")


def _revision(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) <= 9 else None


@router.post("/review/{submission_id}/promise", name="promise_change", dependencies=FORM_POST)
def change(review: StaffReview, form: FormData) -> Response:
    new_date, reason = form.get("new_date", ""), form.get("reason", "")
    try:
        result = announce_new_date(
            review.session,
            review.principal,
            review.submission_id,
            new_date=new_date,
            reason=reason,
            seen_revision=_revision(form.get("promise_revision")),
            links=email_links(review.request),
        )
    except ChangeRefused as refused:
        typed = promise_views.PromiseForm(new_date=new_date, reason=reason, error=refused)
        return review.refused(refused, promise_form=typed)
    done = promise_views.CHANGED_OVERTAKEN if result.overtaken else promise_views.CHANGED
    return review.back("kw-promise", done=done)
