# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Emails about submissions (coaching issue §4): the learner's receipt and the tutors'
notifications - one per submission or a daily digest - written to the outbox with the
upload and delivered by the worker over SMTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from kurswerk.core import clock
from kurswerk.core.auth import Role
from kurswerk.core.outbox import worker as outbox_worker
from kurswerk.core.outbox.queue import OutboxMessage, OutboxStatus
from lti.models import Membership, PlatformUser
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.support.smtp import SmtpSink
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    OTHER_EXERCISE,
    course_loaded,
    exercise_id,
    give_package,
    people,
    upload_pdf,
    web,
)
from uploads import mail
from uploads.mail import DIGEST_TASK
from uploads.models import SubmissionVersion, TutorMailMode, TutorMailPreference

EXERCISE_TITLE = "Leistungen für die Kundenbeziehung und Social Media"


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def deliver(settings, sink, engine):
    """Run the outbox worker once, as ``kurswerk worker --once`` would."""
    mail_settings = settings.model_copy(update={"smtp_url": sink.url})

    def run():
        return outbox_worker.run_worker(mail_settings, engine=engine, once=True, periodic=[])

    return run


def mails_to(sink: SmtpSink, address: str):
    return [m.message for m in sink.messages if address in m.rcpt_tos]


def text_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def outbox(db) -> list[OutboxMessage]:
    """The mails in the outbox (a submission's gradebook score: test_submission_grade)."""
    db.expire_all()
    return list(
        db.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "email").order_by(OutboxMessage.id)
        ).all()
    )


# --- the learner's receipt ------------------------------------------------------------------


def test_the_receipt_arrives_by_email_in_german(web, db, people, deliver, sink, settings):
    upload_pdf(web, people.holder, exercise_id(db), filename="Übung März.pdf")
    assert deliver().sent == 1
    (message,) = mails_to(sink, "lena@example.org")
    assert message["Subject"] == f"Eingangsbestätigung: {EXERCISE_TITLE}"
    text = text_part(message)
    assert text.startswith("Hallo Lena Lernend,")
    assert "wir haben Ihre Einreichung erhalten." in text
    assert f"Übung:     {EXERCISE_TITLE} (Branche: Medien)" in text
    assert "Datei:     Übung März.pdf" in text
    # No tutor stated a weekly capacity: the promised date is the target's, 5 working days.
    promised = clock.add_working_days(clock.local_date(clock.utcnow()), 5)
    assert f"Feedback bis {clock.weekday_day_month(promised)}\n" in text
    assert "Bis dahin gibt Ihnen Ihre Tutorin oder Ihr Tutor ein schriftliches Feedback." in text
    assert f"{settings.base_url}/c/{people.holder.context_id}/submissions" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Eingangsbestätigung" in html and "Übung März.pdf" in html


def test_a_resubmission_receipt_names_the_version(web, db, people, deliver, sink):
    upload_pdf(web, people.holder, exercise_id(db))
    upload_pdf(web, people.holder, exercise_id(db))
    deliver()
    texts = [text_part(m) for m in mails_to(sink, "lena@example.org")]
    assert len(texts) == 2 and "(Fassung 2)" in texts[1] and "Fassung" not in texts[0]


def test_a_learner_without_email_gets_no_mail_and_the_outbox_says_why(web, db, people):
    nomail = people.learner(email=None)
    give_package(db, nomail)
    upload_pdf(web, nomail, exercise_id(db))
    (row,) = outbox(db)
    assert row.status == OutboxStatus.SKIPPED
    assert row.skipped_reason == "recipient has no email address"


# --- tutors: one mail per submission ------------------------------------------------------


def test_tutors_who_chose_each_get_one_mail_per_submission(
    web, db, people, deliver, sink, make_learner
):
    people.tutor(email="tina@example.org", name="Tina Tutor")  # no preference: each
    explicit = people.tutor(email="till@example.org", name="Till Tutor")
    mail.set_tutor_mail_mode(
        db, explicit.principal.user_id, explicit.context_id, TutorMailMode.EACH
    )
    daily = people.tutor(email="dora@example.org", name="Dora Daily")
    mail.set_tutor_mail_mode(db, daily.principal.user_id, daily.context_id, TutorMailMode.DAILY)
    db.commit()
    make_learner(role=Role.TUTOR, email="else@example.org")  # tutor of another course

    upload_pdf(web, people.holder, exercise_id(db), note="Bitte auf die Zielgruppe achten.")
    upload_pdf(web, people.holder, exercise_id(db, OTHER_EXERCISE), industry="b2b")
    deliver()
    for address in ("tina@example.org", "till@example.org"):
        subjects = sorted(m["Subject"] for m in mails_to(sink, address))
        assert subjects == [
            "Neue Einreichung: Art der Kundenbeziehung und Leistungspotenzial von Social Media "
            "(Lena Lernend)",
            f"Neue Einreichung: {EXERCISE_TITLE} (Lena Lernend)",
        ]
    assert mails_to(sink, "dora@example.org") == []  # the digest comes later
    assert mails_to(sink, "else@example.org") == []  # a tutor of another course
    text = text_part(
        next(m for m in mails_to(sink, "tina@example.org") if EXERCISE_TITLE in m["Subject"])
    )
    assert text.startswith("Hallo Tina Tutor,")
    assert "Lena Lernend hat eine Lösung zur Begutachtung eingereicht." in text
    assert "Worauf soll sich das Feedback konzentrieren?\nBitte auf die Zielgruppe achten." in text
    assert "/submissions/settings" in text and "/queue" in text


def test_a_new_version_is_announced_as_such(web, db, people, deliver, sink):
    people.tutor(email="tina@example.org")
    upload_pdf(web, people.holder, exercise_id(db))
    upload_pdf(web, people.holder, exercise_id(db))
    deliver()
    subjects = [m["Subject"] for m in mails_to(sink, "tina@example.org")]
    assert subjects[1].startswith("Neue Fassung: ")
    assert "Fassung 2" in text_part(mails_to(sink, "tina@example.org")[1])


def test_a_double_submit_mails_nobody_twice(web, db, people, deliver, sink):
    people.tutor(email="tina@example.org")
    key = "doppelklick-0123456789abcdef"
    upload_pdf(web, people.holder, exercise_id(db), key=key)
    upload_pdf(web, people.holder, exercise_id(db), key=key)
    deliver()
    assert len(mails_to(sink, "tina@example.org")) == 1
    assert len(mails_to(sink, "lena@example.org")) == 1


def test_a_learner_without_a_name_is_still_named_to_tutors(web, db, people, deliver, sink):
    people.tutor(email="tina@example.org")
    anonymous = people.learner(email=None)
    user = db.get(PlatformUser, anonymous.principal.user_id)
    user.name = None
    db.add(user)
    db.commit()
    give_package(db, anonymous)
    upload_pdf(web, anonymous, exercise_id(db))
    deliver()
    (message,) = mails_to(sink, "tina@example.org")
    assert f"Teilnehmer:in ohne Namen (Nr. {user.id})" in message["Subject"]


# --- tutors: the daily digest ---------------------------------------------------------------

MONDAY_9 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


def at(hours: float) -> datetime:
    return MONDAY_9 + timedelta(hours=hours)


def set_created(db, times: list[datetime]) -> None:
    versions = db.exec(select(SubmissionVersion).order_by(SubmissionVersion.id)).all()
    for version, when in zip(versions, times, strict=True):
        version.created_at = when
        db.add(version)
    db.commit()


@pytest.fixture
def daily_tutor(db, people):
    tutor = people.tutor(email="dora@example.org", name="Dora Daily")
    mail.set_tutor_mail_mode(
        db, tutor.principal.user_id, tutor.context_id, TutorMailMode.DAILY, now=MONDAY_9
    )
    db.commit()
    return tutor


def digests(db) -> list[OutboxMessage]:
    return [r for r in outbox(db) if r.payload["template"] == "submissions_digest"]


def test_the_daily_digest_lists_the_days_submissions_once(
    web, db, people, daily_tutor, settings, deliver, sink
):
    other = people.learner(name="Otto Zweiter")
    give_package(db, other)
    upload_pdf(web, people.holder, exercise_id(db))  # before the tutor chose the digest
    upload_pdf(web, people.holder, exercise_id(db, OTHER_EXERCISE), industry="fmcg")
    upload_pdf(web, other, exercise_id(db), industry="b2b")
    set_created(db, [at(-1), at(1), at(2)])

    assert mail.send_due_digests(db, at(8.5), settings=settings) == 0  # 17:30 in Berlin
    assert mail.send_due_digests(db, at(9.5), settings=settings) == 1  # 18:30 in Berlin
    db.commit()
    assert mail.send_due_digests(db, at(11), settings=settings) == 0  # same day: done
    db.commit()
    (row,) = digests(db)
    assert row.payload["to"] == "dora@example.org"

    deliver()
    (message,) = mails_to(sink, "dora@example.org")
    assert message["Subject"] == ("Tagesübersicht: 2 neue Einreichungen in „Kurs“")
    text = text_part(message)
    assert text.startswith("Hallo Dora Daily,")
    assert "seit 23.11.2026, 09:00 Uhr sind 2 neue Einreichungen" in text
    assert "- Lena Lernend: „Art der Kundenbeziehung" in text
    assert "(Branche: FMCG (Markenunternehmen))" in text
    assert "- Otto Zweiter: „Leistungen für die Kundenbeziehung" in text
    assert "(Branche: B2B)" in text
    assert f"{settings.base_url}/c/{people.holder.context_id}/queue" in text


def test_a_day_without_submissions_sends_no_digest_and_the_next_covers_only_new_ones(
    web, db, people, daily_tutor, settings
):
    upload_pdf(web, people.holder, exercise_id(db))
    set_created(db, [at(1)])
    assert mail.send_due_digests(db, at(10), settings=settings) == 1
    db.commit()
    assert mail.send_due_digests(db, at(34), settings=settings) == 0  # Tuesday: nothing new
    db.commit()
    upload_pdf(web, people.holder, exercise_id(db))  # version 2, on Wednesday
    set_created(db, [at(1), at(49)])
    assert mail.send_due_digests(db, at(58), settings=settings) == 1
    db.commit()
    items = [row.payload["text"] for row in digests(db)]
    assert len(items) == 2 and "Fassung 2" in items[1] and "ist eine neue Einreichung" in items[1]


def test_a_second_worker_with_a_stale_view_adds_no_second_digest(
    web, db, people, daily_tutor, settings
):
    upload_pdf(web, people.holder, exercise_id(db))
    set_created(db, [at(1)])
    mail.send_due_digests(db, at(10), settings=settings)
    db.commit()
    preference = db.exec(select(TutorMailPreference)).one()
    preference.last_digest_at = MONDAY_9  # as a worker that read before the first committed
    db.add(preference)
    db.commit()
    mail.send_due_digests(db, at(10.5), settings=settings)
    db.commit()
    assert len(digests(db)) == 1  # the outbox key names the tutor and the day


def test_a_daily_tutor_who_is_no_longer_a_tutor_gets_no_digest(
    web, db, people, daily_tutor, settings
):
    membership = db.exec(
        select(Membership).where(Membership.user_id == daily_tutor.principal.user_id)
    ).one()
    membership.role = "learner"
    db.add(membership)
    db.commit()
    upload_pdf(web, people.holder, exercise_id(db))
    set_created(db, [at(1)])
    assert mail.send_due_digests(db, at(10), settings=settings) == 0


def test_the_worker_loop_runs_the_digest_job(app, engine, db, web, people, daily_tutor, settings):
    task = next(t for t in outbox_worker.periodic_tasks(settings) if t.name == DIGEST_TASK)
    upload_pdf(web, people.holder, exercise_id(db))
    set_created(db, [at(1)])
    task.run(engine, at(10))  # its own transaction, committed
    assert len(digests(db)) == 1
