# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Submission mails in each reader's language: the receipt in the learner's stored LMS
locale (or the language they chose in the tool), each tutor's notice and daily digest in
that tutor's own - whoever uploaded - through the real outbox worker and an SMTP server."""

from __future__ import annotations

from sqlmodel import Session

from kurswerk.core import clock
from lti.models import PlatformUser
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    course_loaded,
    exercise_id,
    give_package,
    people,
    upload_pdf,
    web,
)
from tests.uploads.test_submission_mail import (  # noqa: F401 - fixtures
    EXERCISE_TITLE,
    MONDAY_9,
    at,
    deliver,
    mails_to,
    set_created,
    sink,
    text_part,
)
from uploads import mail
from uploads.models import TutorMailMode


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_an_english_tutor_gets_the_english_notice_and_the_german_learner_a_german_receipt(
    web, db, people, deliver, sink
):
    people.tutor(email="emma@example.org", name="Emma English", locale="en")
    people.tutor(email="tina@example.org", name="Tina Tutor", locale="de")
    upload_pdf(web, people.holder, exercise_id(db), note="Bitte auf die Zielgruppe achten.")
    assert deliver().sent == 3

    (notice,) = mails_to(sink, "emma@example.org")
    assert notice["Subject"] == f"New submission: {EXERCISE_TITLE} (Lena Lernend)"
    text = text_part(notice)
    assert text.startswith("Hello Emma English,")
    assert "Lena Lernend has submitted a solution for review." in text
    assert f"Exercise:  {EXERCISE_TITLE} (industry: Media)" in text
    assert "What should the feedback focus on?\nBitte auf die Zielgruppe achten." in text
    assert "Uhr" not in text and "Hallo" not in text
    assert '<html lang="en">' in html_part(notice)

    (german_notice,) = mails_to(sink, "tina@example.org")
    assert german_notice["Subject"] == f"Neue Einreichung: {EXERCISE_TITLE} (Lena Lernend)"
    assert '<html lang="de">' in html_part(german_notice)

    (receipt,) = mails_to(sink, "lena@example.org")
    assert receipt["Subject"] == f"Eingangsbestätigung: {EXERCISE_TITLE}"
    assert text_part(receipt).startswith("Hallo Lena Lernend,")
    assert " Uhr" in text_part(receipt)
    assert '<html lang="de">' in html_part(receipt)


def test_an_english_learner_gets_an_english_receipt_and_the_german_tutor_a_german_notice(
    web, db, people, deliver, sink
):
    people.tutor(email="tina@example.org", name="Tina Tutor", locale="de")
    english = people.learner(email="eve@example.org", name="Eve Example", locale="en")
    give_package(db, english)
    upload_pdf(web, english, exercise_id(db))
    deliver()

    (receipt,) = mails_to(sink, "eve@example.org")
    assert receipt["Subject"] == f"Submission received: {EXERCISE_TITLE}"
    text = text_part(receipt)
    assert text.startswith("Hello Eve Example,")
    promised = clock.add_working_days(clock.local_date(clock.utcnow()), 5)  # no capacity stated
    assert f"Feedback by {clock.weekday_day_month(promised, 'en')}\n" in text
    assert '<html lang="en">' in html_part(receipt)
    (notice,) = mails_to(sink, "tina@example.org")
    assert notice["Subject"] == f"Neue Einreichung: {EXERCISE_TITLE} (Eve Example)"


def test_who_switched_the_tool_to_english_gets_english_mails_though_the_lms_says_german(
    web, db, people, deliver, sink
):
    tutor = people.tutor(email="tina@example.org", name="Tina Tutor", locale="de")
    for person in (people.holder, tutor):  # both launched from a German LMS
        web.cookies.clear()  # two people, two browsers
        switched = web.post(
            person.url("/session/locale"),
            data={"locale": "en", "csrf_token": person.csrf, "next": "/"},
        )
        assert switched.status_code == 303
    # The upload rides the learner's older, German session: the mail follows the
    # stored choice, not the session it was caused in.
    web.cookies.clear()
    upload_pdf(web, people.holder, exercise_id(db))
    deliver()

    (receipt,) = mails_to(sink, "lena@example.org")
    assert receipt["Subject"] == f"Submission received: {EXERCISE_TITLE}"
    assert text_part(receipt).startswith("Hello Lena Lernend,")
    assert '<html lang="en">' in html_part(receipt)
    (notice,) = mails_to(sink, "tina@example.org")
    assert notice["Subject"] == f"New submission: {EXERCISE_TITLE} (Lena Lernend)"


def test_the_lms_locale_with_a_region_is_the_recipients_language(
    web, db: Session, people, deliver, sink
):
    tutor = people.tutor(email="gwen@example.org", name="Gwen", locale="de")
    user = db.get(PlatformUser, tutor.principal.user_id)
    user.locale = "en-GB"  # as the launch stores Moodle's claim
    db.add(user)
    db.commit()
    upload_pdf(web, people.holder, exercise_id(db))
    deliver()
    (notice,) = mails_to(sink, "gwen@example.org")
    assert notice["Subject"].startswith("New submission: ")


def test_a_nameless_learner_is_labelled_in_the_tutors_language(web, db, people, deliver, sink):
    people.tutor(email="emma@example.org", name="Emma English", locale="en")
    people.tutor(email="tina@example.org", name="Tina Tutor", locale="de")
    nameless = people.learner(email=None)
    user = db.get(PlatformUser, nameless.principal.user_id)
    user.name = None
    db.add(user)
    db.commit()
    give_package(db, nameless)
    upload_pdf(web, nameless, exercise_id(db))
    deliver()
    (english,) = mails_to(sink, "emma@example.org")
    assert f"(Learner without a name (no. {user.id}))" in english["Subject"]
    (german,) = mails_to(sink, "tina@example.org")
    assert f"(Teilnehmer:in ohne Namen (Nr. {user.id}))" in german["Subject"]


def test_the_daily_digest_goes_to_each_tutor_in_their_own_language(
    web, db, people, settings, deliver, sink
):
    for address, name, locale in (
        ("dora@example.org", "Dora Daily", "de"),
        ("dave@example.org", "Dave Daily", "en"),
    ):
        tutor = people.tutor(email=address, name=name, locale=locale)
        mail.set_tutor_mail_mode(
            db, tutor.principal.user_id, tutor.context_id, TutorMailMode.DAILY, now=MONDAY_9
        )
    db.commit()
    upload_pdf(web, people.holder, exercise_id(db))
    upload_pdf(web, people.holder, exercise_id(db))
    set_created(db, [at(1), at(2)])
    assert mail.send_due_digests(db, at(10), settings=settings) == 2
    db.commit()
    deliver()

    (german,) = mails_to(sink, "dora@example.org")
    assert german["Subject"] == "Tagesübersicht: 2 neue Einreichungen in „Kurs“"
    assert "seit 23.11.2026, 09:00 Uhr sind 2 neue Einreichungen" in text_part(german)
    (english,) = mails_to(sink, "dave@example.org")
    assert english["Subject"] == "Daily summary: 2 new submissions in “Kurs”"
    text = text_part(english)
    assert text.startswith("Hello Dave Daily,")
    assert "since 23 Nov 2026, 09:00 2 new submissions have arrived" in text
    assert f"- Lena Lernend: “{EXERCISE_TITLE}” (industry: Media), version 2" in text
    assert "received 23 Nov 2026, 11:00" in text
    assert '<html lang="en">' in html_part(english)
