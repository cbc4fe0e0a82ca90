"""Two tabs saving at once (issue 13 "two tabs saving at once"): both based on the same
revision, exactly one wins; the other is told the current revision and nothing of it is
written - on SQLite (writers wait for each other) and PostgreSQL (the conditional write
re-reads the row after waiting for the first transaction)."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest

from feedback.claims import claim
from feedback.workbench import annotations
from feedback.workbench.document import SaveRequest, parse_save
from feedback.workbench.errors import RevisionConflict
from kurswerk.core.db import new_session
from tests.feedback.workbench.helpers import ink, note, stored

TTL = timedelta(hours=2)


def request(revision: int, item: dict) -> SaveRequest:
    return parse_save(json.dumps({"revision": revision, "annotations": [item]}).encode())


def save_at_once(engine, storage, principal, submission_id, requests) -> list[object]:
    barrier = threading.Barrier(len(requests))
    results: list[object] = [None] * len(requests)

    def run(index: int) -> None:
        with new_session(engine) as session:
            barrier.wait()
            try:
                results[index] = annotations.save(
                    session, principal, submission_id, requests[index], storage=storage, ttl=TTL
                ).revision
                session.commit()
            except Exception as exc:  # looked at below
                results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("base", [0, 1], ids=["first save", "later save"])
def test_two_saves_on_the_same_revision_one_wins_one_gets_409(
    engine, world, make_submission, storage, db, base
):
    submission = make_submission(world.learner)
    tutor = world.tutor.principal
    with new_session(engine) as session:
        assert claim(session, tutor, submission.id, ttl=TTL).won
        if base:
            annotations.save(session, tutor, submission.id, request(0, note()), storage=storage,
                             ttl=TTL)  # fmt: skip
        session.commit()

    results = save_at_once(
        engine,
        storage,
        tutor,
        submission.id,
        [request(base, note(id="tab-a")), request(base, ink(id="tab-b"))],
    )

    won = [r for r in results if isinstance(r, int)]
    lost = [r for r in results if isinstance(r, RevisionConflict)]
    assert won == [base + 1] and len(lost) == 1, results
    assert lost[0].status_code == 409 and lost[0].current == base + 1
    (row,) = stored(db)
    assert row.revision == base + 1
    winner = "tab-a" if results[0] == base + 1 else "tab-b"
    assert f'"{winner}"' in row.annotations
    assert ('"tab-a"' in row.annotations) != ('"tab-b"' in row.annotations)
