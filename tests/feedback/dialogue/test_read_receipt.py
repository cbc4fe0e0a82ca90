"""The read receipt (issue 14): the learner's first opening of released feedback - the
feedback page in the LMS, the link in the feedback email, the panel of their submission
page - is recorded once, with its time and way; staff looking record nothing; two
openings at once record one. Tutors and admins see it on the review page, and the queue
lists released feedback nobody has read yet."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

from sqlmodel import select

from feedback.dialogue import receipts
from feedback.dialogue.models import FeedbackRead, ReadVia
from kurswerk.core.clock import utcnow
from kurswerk.core.db import new_session
from tests.feedback.dialogue.conftest import Released
from tests.feedback.helpers import mails, path, text_of
from tests.feedback.test_panel import View, request_as
from tests.support.mail_links import link_to, open_in_plain_browser


def reads(db) -> list[FeedbackRead]:
    db.expire_all()
    return list(db.exec(select(FeedbackRead).order_by(FeedbackRead.id)).all())


def queue_ids(html: str) -> set[int]:
    """The submissions the queue's table lists."""
    if 'id="kw-queue-caption"' not in html:
        return set()
    rows = html.split('id="kw-queue-caption"')[1]
    return {int(n) for n in re.findall(r"/review/(\d+)\?", rows)}


def open_page(web, person, released: Released):
    page = web.get(path(person, f"/feedback/{released.sid}"))
    assert page.status_code == 200, page.text[:500]
    return page


def test_the_learners_first_opening_is_recorded_once(web, world, released, db):
    assert reads(db) == []
    open_page(web, world.learner, released)
    (first,) = reads(db)
    assert (first.feedback_id, first.submission_id, first.version) == (
        released.fid,
        released.sid,
        1,
    )
    assert first.learner_user_id == world.learner.principal.user_id
    assert first.via == ReadVia.TOOL
    open_page(web, world.learner, released)  # again, later: the first time stays
    (again,) = reads(db)
    assert again.read_at == first.read_at


def test_staff_opening_the_learners_page_records_nothing(web, world, released, db):
    for person in (world.tutor, world.tutor2, world.admin):
        open_page(web, person, released)
        assert web.get(path(person, f"/review/{released.sid}")).status_code == 200
    assert reads(db) == []


def test_the_email_link_records_the_opening_outside_the_lms(app, web, world, released, db):
    (mail,) = mails(db)
    url = link_to(mail.payload["text"], f"/c/{world.learner.context_id}/feedback/{released.sid}")
    page = open_in_plain_browser(app, url)
    assert page.status_code == 200
    (read,) = reads(db)
    assert read.via == ReadVia.EMAIL_LINK and read.feedback_id == released.fid


def test_the_feedback_on_the_submission_page_counts_as_read(app, world, released, db):
    from feedback.routes import learner as learner_views

    request = request_as(app, world.learner)
    panel = learner_views.feedback_panel(request, db, world.learner.principal, View(released.sid))
    assert panel is not None
    db.commit()
    (read,) = reads(db)
    assert read.feedback_id == released.fid
    tutor_request = request_as(app, world.tutor)
    learner_views.feedback_panel(tutor_request, db, world.tutor.principal, View(released.sid))
    db.commit()
    assert len(reads(db)) == 1


def test_two_openings_at_once_record_one_receipt(engine, world, released, db):
    barrier = threading.Barrier(2)
    results: list[object] = []
    moments = [utcnow(), utcnow() + timedelta(seconds=1)]

    def run(at) -> None:
        with new_session(engine) as session:
            barrier.wait()
            try:
                results.append(
                    receipts.record_reads(
                        session, world.learner.principal, released.sid, via=ReadVia.TOOL, now=at
                    )
                )
                session.commit()
            except Exception as exc:  # reported below
                results.append(exc)

    threads = [threading.Thread(target=run, args=(at,)) for at in moments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results, key=str) == [0, 1]
    assert len(reads(db)) == 1


def test_the_review_page_shows_whether_and_when_the_learner_read_it(web, world, released, db):
    before = text_of(web.get(path(world.tutor, f"/review/{released.sid}")))
    assert "noch nicht gelesen" in before and "gelesen am" not in before
    open_page(web, world.learner, released)
    after = text_of(web.get(path(world.admin, f"/review/{released.sid}")))
    assert "noch nicht gelesen" not in after
    assert re.search(r"gelesen am \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", after)


def test_the_queue_lists_released_feedback_not_read_yet(web, world, release_feedback, db):
    read = release_feedback()
    unread = release_feedback(world.learner2, exercise="art-der-kundenbeziehung")
    open_page(web, world.learner, read)
    page = web.get(path(world.tutor, "/queue?status=unread"))
    assert page.status_code == 200
    assert queue_ids(page.text) == {unread.sid}
    released = web.get(path(world.tutor, "/queue?status=feedback_released")).text
    assert queue_ids(released) == {read.sid, unread.sid}


def test_a_read_of_an_earlier_version_leaves_the_new_feedback_unread(
    web, world, release_feedback, db, storage
):
    from tests.feedback.conftest import resubmit
    from tests.feedback.helpers import write_and_release

    first = release_feedback()
    open_page(web, world.learner, first)  # version 1's feedback read
    resubmit(db, storage, first.submission)
    write_and_release(web, world.tutor, first.sid, "Fassung 2: jetzt stimmig.")
    assert queue_ids(web.get(path(world.tutor, "/queue?status=unread")).text) == {first.sid}
    open_page(web, world.learner, first)
    assert [r.version for r in reads(db)] == [1, 2]
    assert queue_ids(web.get(path(world.tutor, "/queue?status=unread")).text) == set()
