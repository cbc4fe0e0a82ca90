"""Released feedback in the LMS gradebook (LTI AGS): "fully graded" with a comment.

**The comment is the feedback's summary**, decided as: the tutor's Markdown reduced to
plain text (``kurswerk.core.usertext.markdown_text``, the same markdown-it-py parser that
renders the feedback: emphasis dropped, lists as ``– item``, a link's address after its
text), cut after at most :data:`SUMMARY_MAX_CHARS` characters at a word boundary with an
ellipsis. When it was cut, or the feedback has a PDF attachment (which a gradebook
cannot show), a last line in the learner's language says that the full feedback is in
Kurswerk. Gradebooks show the comment as plain text in a cell or a small box, so the
first thousand characters are what is read there; the whole text and the PDF stay in the
tool and in the learner's email. No link: a tool page opens only through a launch.

The score goes into the same column as the submission's "submitted" score
(``uploads.service.submission_line_item``), keyed once per released feedback
(``grade-released:<feedback id>``), in the release's transaction. A platform or course
without the grade service gets a ``skipped`` row with the reason; the release goes on.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from feedback.models import Feedback
from kurswerk.core import i18n
from kurswerk.core.i18n import N_
from kurswerk.core.usertext import markdown_text
from lti import service as lti_service
from uploads import service as uploads
from uploads.models import Submission

SUMMARY_MAX_CHARS = 1000
MORE_IN_KURSWERK = N_("Das vollständige Feedback finden Sie in Kurswerk.")
MORE_WITH_PDF_IN_KURSWERK = N_("Das vollständige Feedback mit PDF-Anhang finden Sie in Kurswerk.")
_WORD_BOUNDARY_WITHIN = 200  # cut at the last space this close to the limit, else hard


def grade_key(feedback_id: int) -> str:
    return f"grade-released:{feedback_id}"


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters with "…" (at a space where one is
    near), trailing punctuation and spaces before the ellipsis removed."""
    head = text[: limit - 1]
    space = max(head.rfind(" "), head.rfind("\n"))
    if space >= limit - _WORD_BOUNDARY_WITHIN:
        head = head[:space]
    return head.rstrip(" \n\t,;:.–-") + "…"


def feedback_summary(markdown: str, *, has_attachment: bool, locale: str) -> str:
    """The gradebook comment for released feedback (see the module's docstring)."""
    text = markdown_text(markdown)
    cut = len(text) > SUMMARY_MAX_CHARS
    if cut:
        text = _shorten(text, SUMMARY_MAX_CHARS)
    if cut or has_attachment:
        more = MORE_WITH_PDF_IN_KURSWERK if has_attachment else MORE_IN_KURSWERK
        text = f"{text}\n\n{i18n.gettext(locale, more)}".strip()
    return text


def grade_released(
    session: Session,
    submission: Submission,
    feedback: Feedback,
    *,
    locale: str,
    now: datetime,
) -> None:
    """Write the "fully graded, 1/1, with the summary" score into the outbox (this
    transaction; never commits)."""
    assert feedback.id is not None
    lti_service.grade_feedback_released(
        session,
        context_id=submission.context_id,
        user_id=submission.user_id,
        line_item=uploads.submission_line_item(session, submission),
        comment=feedback_summary(
            feedback.body_markdown,
            has_attachment=bool(feedback.attachment_key or feedback.annotated_key),
            locale=locale,
        ),
        key=grade_key(feedback.id),
        resource_link_id=None,
        now=now,
    )
