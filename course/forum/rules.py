"""Rules shared by the forum, the FAQ and "ask the lecturer": limits from the settings,
text checks, flood protection, who may moderate, and who may edit a forum post.

Every check here runs *before* anything is written, so a refused post leaves nothing
behind (the routes roll back as well, to be sure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from course.forum.models import ForumPost
from course.questions.models import LecturerQuestion
from kurswerk.core import i18n
from kurswerk.core.auth import Principal, Role
from kurswerk.core.clock import as_utc
from kurswerk.core.db import lock_row
from kurswerk.core.errors import FORBIDDEN, AppError, Forbidden
from kurswerk.core.i18n import N_
from kurswerk.core.settings import Settings
from lti.models import PlatformUser

MAX_TITLE = 200
MAX_REASON = 1000
FLOOD_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Limits:
    edit_window: timedelta
    posts_per_minute: int
    max_post_chars: int
    unanswered_after: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            edit_window=timedelta(minutes=settings.forum_edit_window_minutes),
            posts_per_minute=settings.forum_posts_per_minute,
            max_post_chars=settings.forum_max_post_chars,
            unanswered_after=timedelta(hours=settings.forum_unanswered_after_hours),
        )


class InputError(AppError):
    """A form value the user can fix; the page shows the form again with their text.

    ``field`` names the form field the message belongs to ("" for the whole form).
    """

    def __init__(
        self,
        message: str,
        status: int = 400,
        *,
        field: str = "",
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, status, params=params or {}, reason=f"{message} {params or ''}")
        self.field = field


def clean_text(value: str | None, *, field: str, limit: int, required: bool = True) -> str:
    """``value`` stripped; refused when empty (if required) or longer than ``limit``."""
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise InputError(
            N_(
                "Der Text ist zu lang: %(length)s Zeichen, erlaubt sind höchstens "
                "%(limit)s. Es wurde nichts gespeichert. Bitte kürzen Sie ihn."
            ),
            413,
            field=field,
            params={"limit": f"{limit:,}".replace(",", "."), "length": len(text)},
        )
    if required and not text:
        raise InputError(N_("Bitte füllen Sie dieses Feld aus."), field=field)
    if "\x00" in text:
        raise InputError(N_("Der Text enthält unzulässige Zeichen."), field=field)
    return text


def clean_title(value: str | None) -> str:
    title = " ".join((value or "").split())
    return clean_text(title, field="title", limit=MAX_TITLE)


def is_moderator(principal: Principal) -> bool:
    return principal.at_least(Role.TUTOR)


def require_moderator(principal: Principal) -> None:
    if not is_moderator(principal):
        raise Forbidden(FORBIDDEN, reason="forum moderation needs a tutor")


def may_edit(principal: Principal, post: ForumPost, limits: Limits, now: datetime) -> bool:
    """Only the author edits a post: tutors any time, learners within the edit window."""
    if post.author_id != principal.user_id or post.deleted_at is not None:
        return False
    return is_moderator(principal) or as_utc(now) - as_utc(post.created_at) <= limits.edit_window


def check_flood(session: Session, principal: Principal, limits: Limits, now: datetime) -> None:
    """At most ``posts_per_minute`` posts and questions per person per minute.

    The person's row is locked first (``kurswerk.core.db.lock_row``), so that posts sent at
    once are counted one after the other, each seeing what the one before it committed:
    counted without the lock, twelve posts at the same moment all found none before them.
    """
    lock_row(session, PlatformUser, principal.user_id)
    since = now - FLOOD_WINDOW
    posts = session.execute(
        select(func.count())
        .select_from(ForumPost)
        .where(col(ForumPost.author_id) == principal.user_id, col(ForumPost.created_at) > since)
    ).scalar_one()
    questions = session.execute(
        select(func.count())
        .select_from(LecturerQuestion)
        .where(
            col(LecturerQuestion.asker_id) == principal.user_id,
            col(LecturerQuestion.created_at) > since,
        )
    ).scalar_one()
    if posts + questions >= limits.posts_per_minute:
        limit = limits.posts_per_minute
        # Worded here: the count needs a plural form, which one message id cannot carry.
        flood = i18n.ngettext(
            principal.locale,
            "Sie haben in der letzten Minute schon %(limit)s Beitrag geschrieben. Bitte "
            "warten Sie einen Moment und senden Sie dann noch einmal. Ihr Text steht noch "
            "im Formular.",
            "Sie haben in der letzten Minute schon %(limit)s Beiträge geschrieben. Bitte "
            "warten Sie einen Moment und senden Sie dann noch einmal. Ihr Text steht noch "
            "im Formular.",
            limit,
            limit=limit,
        )
        raise InputError(flood, 429, params={"limit": limit})
