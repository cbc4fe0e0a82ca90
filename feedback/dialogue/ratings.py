"""Was it helpful? The learner's rating of a released feedback (issue 14).

A score on a short scale, :data:`SCALE` (1 "gar nicht hilfreich" to 5 "sehr hilfreich",
each a word beside its number), and an optional comment of up to
:data:`COMMENT_MAX_CHARS` characters (plain text, shown escaped). One rating per
feedback, by its learner only (anyone else: 404), and changeable: rating again replaces
score and comment. A score outside the scale or a comment too long is refused with
nothing written.

Each rating is counted for the admins' report by its score (``tally.count_rating``), in
the same transaction; a change moves the count from the old score to the new. So that
two ratings at once count right, the first is an ``INSERT ... ON CONFLICT (feedback_id)
DO NOTHING``: whoever inserts counts a new rating; anyone else reads the stored score
with a row lock (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's writer holds the
database since the insert) and changes it, counting the move. Two at once leave one
row, the later one's, and its score counted once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from feedback.dialogue import tally
from feedback.dialogue.errors import NO_SCORE, DialogueRefused, too_long
from feedback.dialogue.models import FeedbackRating
from feedback.dialogue.scope import learners_feedback
from feedback.drafts import normalise_text
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.db import upsert
from kurswerk.core.i18n import N_

COMMENT_MAX_CHARS = 1_000

SCALE: tuple[tuple[int, str], ...] = (
    (1, N_("gar nicht hilfreich")),
    (2, N_("wenig hilfreich")),
    (3, N_("teils hilfreich")),
    (4, N_("hilfreich")),
    (5, N_("sehr hilfreich")),
)
"""The scale's scores and their words (message ids), lowest first."""
SCORES = tuple(score for score, _ in SCALE)

_ratings = FeedbackRating.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Rating:
    score: int
    comment: str
    updated_at: datetime


def parse_score(value: str) -> int:
    if value.strip() not in {str(score) for score in SCORES}:
        raise DialogueRefused(NO_SCORE, 422, field="score", reason=f"score {value[:8]!r}")
    return int(value)


def rate(
    session: Session,
    principal: Principal,
    feedback_id: int,
    *,
    score: str,
    comment: str,
    now: datetime | None = None,
) -> Rating:
    """The learner's rating of their feedback ``feedback_id``, new or changed (flushed,
    not committed)."""
    now = now or utcnow()
    feedback = learners_feedback(session, principal, feedback_id)
    value = parse_score(score)
    text = normalise_text(comment).strip()
    if len(text) > COMMENT_MAX_CHARS:
        raise too_long(len(text), COMMENT_MAX_CHARS, "comment")
    inserted = session.execute(
        upsert(session, _ratings)
        .values(
            feedback_id=feedback.id,
            learner_user_id=principal.user_id,
            score=value,
            comment=text,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["feedback_id"])
        .returning(_ratings.c.id)
    ).first()
    old_score = None
    if inserted is None:  # rated before (or at the same moment): a change
        mine = _ratings.c.feedback_id == feedback.id
        old_score = session.execute(
            select(_ratings.c.score).where(mine).with_for_update()
        ).scalar_one()
        session.execute(
            update(_ratings).where(mine).values(score=value, comment=text, updated_at=now)
        )
    tally.count_rating(
        session,
        context_id=feedback.context_id,
        tutor_user_id=feedback.tutor_user_id,
        released_at=feedback.released_at,
        score=value,
        old_score=old_score,
    )
    return Rating(value, text, now)


def ratings_of(session: Session, feedback_ids: Collection[int]) -> dict[int, Rating]:
    """The learner's ratings of these feedbacks (none: not rated)."""
    if not feedback_ids:
        return {}
    rows = session.execute(
        select(
            _ratings.c.feedback_id, _ratings.c.score, _ratings.c.comment, _ratings.c.updated_at
        ).where(_ratings.c.feedback_id.in_(list(feedback_ids)))
    ).all()
    return {row.feedback_id: Rating(row.score, row.comment, as_utc(row.updated_at)) for row in rows}
