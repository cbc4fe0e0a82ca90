# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Tutors hear of a new submission before their first launch: the LMS roster (NRPS, as
Kurswerk last read it) lists them as tutors with an email. Each person once, whether they
launched, are in the roster or both; roster learners, tutors without an address and
tutors of another course get nothing. Delivered by the worker over SMTP."""

from __future__ import annotations

from kurswerk.core.auth import Role
from lti import nrps as lti_nrps
from lti import service as lti_service
from lti.models import PlatformUser
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.support.smtp import SmtpSink
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    course_loaded,
    exercise_id,
    people,
    upload_pdf,
    web,
)
from tests.uploads.test_submission_mail import EXERCISE_TITLE, deliver, mails_to, sink, text_part

__all__ = ["deliver", "sink"]


def roster_member(sub: str, email: str | None, role: Role | None, name: str = "Rita Roster"):
    return lti_nrps.RosterMember(
        user_id=sub,
        name=name,
        given_name="",
        family_name="",
        email=email or "",
        roles=("Instructor",) if role is Role.TUTOR else ("Learner",),
        role=role,
    )


def read_roster(db, context_id: int, *members) -> None:
    """What reading the course's roster records (``lti.service.course_roster`` does it)."""
    lti_service.record_members(db, context_id=context_id, members=list(members))
    db.commit()


def test_a_tutor_in_the_roster_who_never_launched_is_told_of_a_submission(
    web, db, people, deliver, sink: SmtpSink
):
    read_roster(
        db,
        people.holder.context_id,
        roster_member("t-rita", "rita@example.org", Role.TUTOR),
        roster_member("l-lara", "lara@example.org", Role.LEARNER, name="Lara"),
        roster_member("t-nomail", None, Role.TUTOR, name="Otto Ohnemail"),
    )
    upload_pdf(web, people.holder, exercise_id(db))
    deliver()
    [message] = mails_to(sink, "rita@example.org")
    assert message["Subject"] == f"Neue Einreichung: {EXERCISE_TITLE} (Lena Lernend)"
    assert text_part(message).startswith("Hallo Rita Roster,")  # German: the default
    assert mails_to(sink, "lara@example.org") == []  # a learner in the roster


def test_a_tutor_who_launched_and_is_in_the_roster_gets_one_mail(
    web, db, people, deliver, sink: SmtpSink
):
    tina = people.tutor(email="tina@example.org", name="Tina Tutor", locale="en")
    user = db.get(PlatformUser, tina.principal.user_id)
    assert user is not None
    sub = user.sub
    read_roster(
        db,
        people.holder.context_id,
        roster_member(sub, "tina@example.org", Role.TUTOR, name="Tina Tutor"),
        # the same address under another LMS account: still one mail
        roster_member("t-tina-2", "Tina@Example.org", Role.TUTOR, name="Tina Tutor"),
    )
    upload_pdf(web, people.holder, exercise_id(db))
    deliver()
    [message] = mails_to(sink, "tina@example.org")
    assert message["Subject"].startswith("New submission")  # her own language, from her launch


def test_a_tutor_in_another_courses_roster_is_not_told(
    web, db, people, deliver, sink: SmtpSink, make_learner
):
    other = make_learner(role=Role.TUTOR, email="else@example.org")  # another LMS course
    read_roster(db, other.context_id, roster_member("t-rita", "rita@example.org", Role.TUTOR))
    upload_pdf(web, people.holder, exercise_id(db))
    deliver()
    assert mails_to(sink, "rita@example.org") == []


def test_a_new_reading_of_the_roster_replaces_the_old(web, db, people, deliver, sink: SmtpSink):
    context_id = people.holder.context_id
    read_roster(db, context_id, roster_member("t-rita", "rita@example.org", Role.TUTOR))
    read_roster(db, context_id, roster_member("t-rita", "rita@example.org", Role.LEARNER))
    upload_pdf(web, people.holder, exercise_id(db))
    deliver()
    assert mails_to(sink, "rita@example.org") == []  # no longer a tutor there
