# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Submitting over real sockets: requests that arrive at the same moment (double-click,
two tabs, the last quota) and a body over the limit streamed without a length.

The requests at the same moment overlap for certain (``tests.support.overlap``): the
first to insert its submission holds it uncommitted until the other has begun to
write. The other has then streamed, checked and stored its file, and its check of the
quota, the idempotency key and the exercise's submission must wait for the first at the
lock on the learner's grant (``uploads.submissions.record_submission``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import select

from tests.support.overlap import overlapping_writes
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.uploads import pdfs
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    BOUNDARY,
    NOTHING,
    OTHER_EXERCISE,
    course_loaded,
    csrf_part,
    exercise_id,
    file_part,
    give_package,
    live,
    multipart,
    new_key,
    people,
    storage_root,
    stored,
    submit_path,
)
from uploads.models import Submission, SubmissionVersion

HEADERS = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def upload_url(live: str, person, ex_id: int, key: str, industry: str = "media") -> str:
    """The upload URL; the bodies sent to it carry the CSRF field first (``body_of``)."""
    query = f"industry={industry}&idempotency_key={key}"
    return live + person.url(f"{submit_path(person, ex_id)}?{query}")


def at_once(*requests: tuple[str, bytes]) -> list[httpx.Response]:
    """POST every (url, body) from its own thread, released together."""
    barrier = threading.Barrier(len(requests))
    results: list[httpx.Response | BaseException] = [RuntimeError("not run")] * len(requests)

    def send(index: int, url: str, body: bytes) -> None:
        with httpx.Client(timeout=60) as client:
            barrier.wait()
            try:
                results[index] = client.post(url, content=body, headers=HEADERS)
            except BaseException as exc:  # noqa: BLE001 - reported below
                results[index] = exc

    threads = [
        threading.Thread(target=send, args=(i, url, body)) for i, (url, body) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, httpx.Response) for r in results), results
    return results  # type: ignore[return-value]


def body_of(pages: int, person) -> bytes:
    """A form's body: the person's CSRF field first, then the file."""
    return multipart(csrf_part(person.csrf), file_part(pdfs.make_pdf(pages=pages)))


def test_the_same_key_twice_at_once_is_one_version(live, db, people):
    url = upload_url(live, people.holder, exercise_id(db), new_key())
    with overlapping_writes("submission") as overlap:
        first, second = at_once(
            (url, body_of(30, people.holder)), (url, body_of(30, people.holder))
        )
    assert overlap.paused and not overlap.timed_out
    assert first.status_code == second.status_code == 303
    assert first.headers["location"].split("?")[0] == second.headers["location"].split("?")[0]
    db.expire_all()
    assert len(db.exec(select(SubmissionVersion)).all()) == 1


def test_two_uploads_for_the_same_exercise_at_once_are_two_versions_of_one_submission(
    live, db, people
):
    ex = exercise_id(db)
    with overlapping_writes("submission") as overlap:
        responses = at_once(
            (upload_url(live, people.holder, ex, new_key()), body_of(30, people.holder)),
            (upload_url(live, people.holder, ex, new_key()), body_of(30, people.holder)),
        )
    assert overlap.paused and not overlap.timed_out
    assert [r.status_code for r in responses] == [303, 303]
    db.expire_all()
    assert len(db.exec(select(Submission)).all()) == 1
    numbers = sorted(v.number for v in db.exec(select(SubmissionVersion)).all())
    assert numbers == [1, 2]


def test_the_last_quota_cannot_be_spent_twice_at_once(live, db, people):
    learner = people.learner()
    give_package(db, learner, quota=1, name="Einmal")
    with overlapping_writes("submission") as overlap:
        responses = at_once(
            (upload_url(live, learner, exercise_id(db), new_key()), body_of(30, learner)),
            (
                upload_url(live, learner, exercise_id(db, OTHER_EXERCISE), new_key()),
                body_of(30, learner),
            ),
        )
    assert overlap.paused and not overlap.timed_out
    assert sorted(r.status_code for r in responses) == [303, 403]
    db.expire_all()
    assert len(db.exec(select(Submission)).all()) == 1


class TestStreamingOverTheLimit:
    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"max_upload_mb": 1})

    def test_a_chunked_body_over_the_limit_is_cut_off_and_leaves_nothing(
        self, live, db, people, settings
    ):
        total = 64 * 1024 * 1024
        pulled = 0

        def body() -> Iterator[bytes]:
            nonlocal pulled
            head = file_part(b"")[: -len(b"\r\n")]  # the file part, open-ended
            pulled += len(head)
            yield head
            chunk = b"%PDF-1.7\n" + b"\0" * (64 * 1024 - 9)
            while pulled < total:
                pulled += len(chunk)
                yield chunk

        url = upload_url(live, people.holder, exercise_id(db), new_key())
        with httpx.Client(timeout=60) as client:
            try:
                headers = {**HEADERS, "x-csrf-token": people.holder.csrf}
                response = client.post(url, content=body(), headers=headers)
            except httpx.TransportError:
                response = None  # the server hung up on the rest of the body
        if response is not None:
            assert response.status_code == 413
            assert "Die Datei ist größer als 1 MB." in response.text
        assert pulled < total / 2, "the server read far past the limit"
        assert stored(db, storage_root(settings)) == NOTHING
