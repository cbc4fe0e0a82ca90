"""The annotation set of a submission's latest version: read it, save it (issue 13,
"Annotations on the document"; the contract in ``/work/notes/annotations-format.md``).

* Staff of the course read it (``feedback.access.submission_for_staff``: anyone else,
  and any id of another course or platform, gets the same 404).
* Saving needs the claim (:func:`feedback.claims.hold_claim`, which renews it, as a
  draft's save does); the set belongs to the submission, not to a tutor, so a tutor who
  takes a claim over sees and continues the set of the one before.
* Optimistic concurrency: the client names the revision it based its edit on. With 0 the
  set is inserted (``ON CONFLICT DO NOTHING``), otherwise updated ``WHERE revision =
  base``; one statement either way, so of two saves on the same base (two tabs) exactly
  one wins and the other is refused with the current revision
  (:class:`~feedback.workbench.errors.RevisionConflict`). On PostgreSQL the second
  statement waits for the first transaction and re-reads the row; on SQLite the second
  writer waits for the first to commit.
* Refused without writing: a set for a version that is no longer the latest, a set
  whose version's feedback is released, one that does not fit the PDF. Every check runs
  before the claim is renewed; nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from feedback.access import submission_for_staff
from feedback.claims import current_claim, hold_claim
from feedback.errors import AlreadyReleased, NewVersionArrived, NotClaimed, not_found
from feedback.models import Feedback, FeedbackStatus
from feedback.workbench.document import SaveRequest, dump, stored_json
from feedback.workbench.errors import AnnotationsInvalid, RevisionConflict
from feedback.workbench.geometry import off_page, page_boxes
from feedback.workbench.models import AnnotationSet
from kurswerk.core.auth import Principal
from kurswerk.core.clock import as_utc, utcnow
from kurswerk.core.db import upsert
from kurswerk.core.files.storage import Storage
from uploads import service as uploads
from uploads.models import Submission, SubmissionVersion

_sets = AnnotationSet.__table__  # type: ignore[attr-defined]
_feedback = Feedback.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class AnnotationSetView:
    """What the client gets: the set of the latest version and where it stands."""

    revision: int
    version: int
    pages: int
    annotations: list[Any] = field(default_factory=list)
    updated_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "version": self.version,
            "pages": self.pages,
            "annotations": self.annotations,
        }


@dataclass(frozen=True)
class Saved:
    revision: int
    saved_at: datetime


def latest_version(session: Session, submission: Submission) -> SubmissionVersion:
    assert submission.id is not None
    version = uploads.get_version(session, submission.id, submission.latest_version)
    if version is None:  # a submission always has its versions; a broken row is not ours
        raise not_found(f"submission {submission.id} has no version {submission.latest_version}")
    return version


def stored_set(session: Session, version_id: int) -> AnnotationSet | None:
    row = session.execute(select(_sets).where(_sets.c.submission_version_id == version_id)).first()
    return AnnotationSet.model_validate(row._mapping) if row is not None else None


@dataclass(frozen=True)
class SetState:
    """Where a version's set stands: its revision (0: nothing saved) and how many
    annotations it holds (what a release would write)."""

    revision: int
    count: int


def set_state(session: Session, version_id: int | None) -> SetState:
    stored = stored_set(session, version_id) if version_id is not None else None
    if stored is None:
        return SetState(revision=0, count=0)
    return SetState(revision=stored.revision, count=len(stored_json(stored.annotations)))


def load(session: Session, principal: Principal, submission_id: int) -> AnnotationSetView:
    """The latest version's set (revision 0 and no annotations if none was saved)."""
    submission = submission_for_staff(session, principal, submission_id)
    version = latest_version(session, submission)
    assert version.id is not None
    stored = stored_set(session, version.id)
    if stored is None:
        return AnnotationSetView(revision=0, version=version.number, pages=version.pages)
    return AnnotationSetView(
        revision=stored.revision,
        version=version.number,
        pages=version.pages,
        annotations=stored_json(stored.annotations),
        updated_at=as_utc(stored.updated_at),
    )


def is_released(session: Session, version_id: int) -> bool:
    return (
        session.execute(
            select(_feedback.c.id).where(
                _feedback.c.submission_version_id == version_id,
                _feedback.c.status == FeedbackStatus.RELEASED.value,
            )
        ).first()
        is not None
    )


def save(
    session: Session,
    principal: Principal,
    submission_id: int,
    request: SaveRequest,
    *,
    storage: Storage,
    ttl: timedelta,
    now: datetime | None = None,
) -> Saved:
    """Replace the latest version's set with ``request.annotations`` (checked in shape
    already, by ``document.parse_save``), if ``request.revision`` is the current one."""
    now = now or utcnow()
    submission = submission_for_staff(session, principal, submission_id)
    version = latest_version(session, submission)
    assert version.id is not None
    if request.version is not None and request.version != version.number:
        raise NewVersionArrived()
    if is_released(session, version.id):
        raise AlreadyReleased()
    problems = list(off_page(request.annotations, page_boxes(storage.path_for(version.file_key))))
    if problems:
        raise AnnotationsInvalid(problems)
    if not hold_claim(session, principal, submission_id, ttl=ttl, now=now):
        state = current_claim(session, submission_id, principal, now)
        raise NotClaimed(state.holder_name if state and not state.mine else None)
    revision = _write(session, principal, version.id, request, now)
    return Saved(revision=revision, saved_at=now)


def _write(
    session: Session, principal: Principal, version_id: int, request: SaveRequest, now: datetime
) -> int:
    """One conditional statement; the new revision, or :class:`RevisionConflict`."""
    document = dump(request.annotations)
    base = request.revision
    statement: Any
    if base == 0:
        statement = (
            upsert(session, _sets)
            .values(
                submission_version_id=version_id,
                annotations=document,
                revision=1,
                editor_user_id=principal.user_id,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["submission_version_id"])
            .returning(_sets.c.revision)
        )
    else:
        statement = (
            update(_sets)
            .where(_sets.c.submission_version_id == version_id, _sets.c.revision == base)
            .values(
                annotations=document,
                revision=base + 1,
                editor_user_id=principal.user_id,
                updated_at=now,
            )
            .returning(_sets.c.revision)
        )
    row = session.execute(statement).first()
    if row is None:
        current = stored_set(session, version_id)
        raise RevisionConflict(current.revision if current else 0, base)
    return int(row.revision)
