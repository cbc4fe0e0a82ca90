"""Fixtures of the promise tests: the course's holiday region pinned, and promises made
the way an upload makes them (``feedback.promises.desk.PromiseDesk.record``) at a chosen
moment, for submissions written as rows (``tests.feedback.conftest``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, col, select

from feedback.promises.desk import PromiseDesk
from feedback.promises.models import FeedbackPromise, PromiseEvent
from kurswerk.core.settings import get_settings
from uploads.models import Submission, SubmissionVersion

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Berlin


@pytest.fixture(autouse=True)
def german_holidays(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Germany's nationwide holidays, whatever the machine's environment says."""
    monkeypatch.setenv("KURSWERK_HOLIDAYS_COUNTRY", "DE")
    monkeypatch.delenv("KURSWERK_HOLIDAYS_SUBDIVISION", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


Promise = Callable[..., FeedbackPromise]


@pytest.fixture
def promise(db: Session) -> Promise:
    """The promise of ``submission``'s latest version, recorded at ``now``."""

    def make(submission: Submission, now: datetime = MONDAY, target_days: int = 5):
        db.refresh(submission)
        version = db.exec(
            select(SubmissionVersion).where(
                SubmissionVersion.submission_id == submission.id,
                SubmissionVersion.number == submission.latest_version,
            )
        ).one()
        PromiseDesk().record(db, submission, version, target_days=target_days, now=now)
        db.commit()
        return promise_of(db, submission.id or 0)

    return make


def promise_of(db: Session, submission_id: int) -> FeedbackPromise:
    """The submission's latest promise as stored now (a copy: later reads leave it be)."""
    db.expire_all()
    row = db.exec(
        select(FeedbackPromise)
        .where(FeedbackPromise.submission_id == submission_id)
        .order_by(col(FeedbackPromise.id).desc())
    ).first()
    assert row is not None
    return FeedbackPromise.model_validate(row.model_dump())


def events_of(db: Session, promise_id: int) -> list[PromiseEvent]:
    db.expire_all()
    return list(
        db.exec(
            select(PromiseEvent)
            .where(PromiseEvent.promise_id == promise_id)
            .order_by(col(PromiseEvent.id))
        ).all()
    )
