"""What tutors (and admins) do to keep a forum useful: pin, lock, hide, delete and move
threads, hide posts, mark the accepted answer, and handle reports. Learners report posts
and the asker may accept an answer. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func
from sqlmodel import Session, col, select

from course.forum import mail as forum_mail
from course.forum.access import get_post, get_thread, lesson_for
from course.forum.models import ForumPost, ForumReport, ForumThread
from course.forum.people import names
from course.forum.posting import delete_post, reindex_thread
from course.forum.rules import MAX_REASON, InputError, Limits, check_flood, clean_text, is_moderator
from course.forum.rules import require_moderator as _require_moderator
from course.forum.search import THREAD, move_document
from course.models import Lesson
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.db import lock_row
from kurswerk.core.email_links import EmailLinks
from kurswerk.core.errors import FORBIDDEN, NOT_FOUND, Forbidden, NotFound
from kurswerk.core.i18n import N_
from kurswerk.core.usertext import plain_text
from lti.models import PlatformUser

THREAD_FLAGS = {  # flag: (the button that sets it, the button that clears it)
    "pinned": (N_("Anheften"), N_("Nicht mehr anheften")),
    "locked": (N_("Schließen"), N_("Wieder öffnen")),
    "hidden": (N_("Frage ausblenden"), N_("Frage wieder einblenden")),
}


def set_thread_flag(
    session: Session, principal: Principal, thread_id: int, flag: str, value: bool
) -> ForumThread:
    _require_moderator(principal)
    if flag not in THREAD_FLAGS:
        raise NotFound(NOT_FOUND, reason=f"no flag {flag!r}")
    thread = get_thread(session, principal, thread_id)
    if flag == "hidden":
        thread.hidden_at = utcnow() if value else None
        session.flush()
        reindex_thread(session, thread)
    else:
        setattr(thread, flag, value)
        session.flush()
    return thread


def delete_thread(session: Session, principal: Principal, thread_id: int) -> ForumThread:
    _require_moderator(principal)
    thread = get_thread(session, principal, thread_id)
    thread.deleted_at = utcnow()
    session.flush()
    reindex_thread(session, thread)
    return thread


def move_thread(
    session: Session, principal: Principal, thread_id: int, lesson_slug: str
) -> ForumThread:
    """Move a thread to another lesson of the same course."""
    _require_moderator(principal)
    thread = get_thread(session, principal, thread_id)
    _, target = lesson_for(session, principal, lesson_slug)
    assert target.id is not None
    thread.lesson_id = target.id
    session.flush()
    move_document(session, THREAD, thread_id, lesson_id=target.id)
    return thread


def set_post_hidden(
    session: Session, principal: Principal, post_id: int, hidden: bool
) -> ForumThread:
    _require_moderator(principal)
    post, thread = get_post(session, principal, post_id)
    post.hidden_at = utcnow() if hidden else None
    if hidden and thread.accepted_post_id == post.id:
        thread.accepted_post_id = None
    session.flush()
    reindex_thread(session, thread)
    return thread


def set_accepted(
    session: Session, principal: Principal, post_id: int, accepted: bool
) -> ForumThread:
    """Mark a reply as the answer to the question (tutors, or the asker), or unmark it."""
    post, thread = get_post(session, principal, post_id)
    if not is_moderator(principal) and thread.author_id != principal.user_id:
        raise Forbidden(
            FORBIDDEN,
            reason="only tutors or the asker accept answers",
        )
    if post.is_question or post.hidden_at is not None:
        raise InputError(N_("Nur eine sichtbare Antwort kann akzeptiert werden."), 400)
    if accepted:
        thread.accepted_post_id = post.id
    elif thread.accepted_post_id == post.id:
        thread.accepted_post_id = None
    session.flush()
    return thread


# --- reports -------------------------------------------------------------------------------


def report_post(
    session: Session,
    principal: Principal,
    post_id: int,
    *,
    reason: str,
    limits: Limits,
    links: EmailLinks,
    now: datetime | None = None,
) -> tuple[ForumReport, bool]:
    """Report a post to the course's tutors. Returns the report and whether it is new
    (a second report of the same post by the same person changes nothing, also when both
    arrive at once: the reporter's row is locked before the first report is looked for)."""
    now = now or utcnow()
    post, thread = get_post(session, principal, post_id)
    if post.author_id == principal.user_id:
        raise InputError(N_("Eigene Beiträge können Sie nicht melden."), 400)
    text = clean_text(reason, field="reason", limit=MAX_REASON, required=False)
    lock_row(session, PlatformUser, principal.user_id)  # the same lock as check_flood's
    existing = session.exec(
        select(ForumReport).where(
            ForumReport.post_id == post_id, ForumReport.reporter_id == principal.user_id
        )
    ).first()
    if existing is not None and existing.resolved_at is None:
        return existing, False
    check_flood(session, principal, limits, now)
    if existing is not None:  # reported again after the tutors dealt with it
        existing.reason, existing.created_at = text, now
        existing.resolved_at = existing.resolved_by = existing.resolution = None
        report = existing
    else:
        report = ForumReport(
            post_id=post_id,
            context_id=thread.context_id,
            reporter_id=principal.user_id,
            reason=text,
            created_at=now,
        )
        session.add(report)
    session.flush()
    forum_mail.notify_report(session, report, post, thread, links=links)
    return report, True


@dataclass(frozen=True)
class ReportView:
    id: int
    post_id: int
    thread_id: int
    thread_title: str
    lesson_title: str
    excerpt: str
    reason: str
    reporter: str
    author: str
    anonymous: bool
    created_at: datetime
    post_hidden: bool
    post_deleted: bool
    resolution: str | None

    @property
    def resolution_text(self) -> str:
        """What became of the report (a message id); "" while it is open."""
        return RESOLUTIONS[self.resolution][1] if self.resolution in RESOLUTIONS else ""


def reports(session: Session, principal: Principal, *, resolved: bool = False) -> list[ReportView]:
    """Open (or dealt-with) reports of the LMS course, newest first; tutors only."""
    _require_moderator(principal)
    query = (
        select(ForumReport, ForumPost, ForumThread, Lesson)
        .join(ForumPost, col(ForumPost.id) == col(ForumReport.post_id))
        .join(ForumThread, col(ForumThread.id) == col(ForumPost.thread_id))
        .join(Lesson, col(Lesson.id) == col(ForumThread.lesson_id))
        .where(ForumReport.context_id == principal.context_id)
        .where(
            col(ForumReport.resolved_at).is_not(None)
            if resolved
            else col(ForumReport.resolved_at).is_(None)
        )
        .order_by(col(ForumReport.created_at).desc())
        .limit(200)
    )
    rows = session.exec(query).all()
    who = names(session, [r.reporter_id for r, *_ in rows] + [p.author_id for _, p, *_ in rows])
    return [
        ReportView(
            id=int(report.id or 0),
            post_id=int(post.id or 0),
            thread_id=int(thread.id or 0),
            thread_title=thread.title,
            lesson_title=lesson.title,
            excerpt=plain_text(post.body)[:400],
            reason=report.reason,
            reporter=who.get(report.reporter_id or -1, ""),
            author=who.get(post.author_id or -1, ""),
            anonymous=post.anonymous,
            created_at=as_utc(report.created_at),
            post_hidden=post.hidden_at is not None,
            post_deleted=post.deleted_at is not None,
            resolution=report.resolution,
        )
        for report, post, thread, lesson in rows
    ]


def open_report_count(session: Session, context_id: int) -> int:
    """How many posts of the LMS course have a report the tutors have not dealt with yet
    (a post two people reported counts once; one query on
    ``ix_forum_report_context_id_resolved_at``)."""
    count = session.exec(
        select(func.count(distinct(col(ForumReport.post_id)))).where(
            ForumReport.context_id == context_id, col(ForumReport.resolved_at).is_(None)
        )
    ).one()
    return int(count)


RESOLUTIONS = {  # stored value: (the tutor's button, what became of the report)
    "hidden": (N_("Beitrag ausblenden"), N_("Erledigt: Beitrag ausgeblendet.")),
    "deleted": (N_("Beitrag löschen"), N_("Erledigt: Beitrag gelöscht.")),
    "dismissed": (N_("Meldung verwerfen"), N_("Erledigt: Meldung verworfen.")),
}


def resolve_report(
    session: Session, principal: Principal, report_id: int, resolution: str
) -> ForumReport:
    """Deal with a report: hide the post, delete it, or dismiss the report. Every open
    report of the same post is closed with it."""
    _require_moderator(principal)
    if resolution not in RESOLUTIONS:
        raise InputError(N_("Unbekannte Entscheidung."), 400)
    report = session.get(ForumReport, report_id)
    if report is None or report.context_id != principal.context_id:
        raise NotFound(N_("Diese Meldung gibt es nicht."), reason=f"no report {report_id} here")
    post = session.get(ForumPost, report.post_id)
    assert post is not None
    if post.deleted_at is None:
        if resolution == "hidden":
            set_post_hidden(session, principal, report.post_id, True)
        elif resolution == "deleted":
            delete_post(session, principal, report.post_id)
    now = utcnow()
    for other in session.exec(
        select(ForumReport).where(
            ForumReport.post_id == report.post_id, col(ForumReport.resolved_at).is_(None)
        )
    ).all():
        other.resolved_at, other.resolved_by, other.resolution = now, principal.user_id, resolution
    session.flush()
    return report
