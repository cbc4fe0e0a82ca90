"""Course members as other domains read them (``lti.service.course_members`` ...)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from lti import service
from lti.models import LmsContext, Membership, Platform, PlatformUser


@pytest.fixture
def course(db: Session) -> tuple[LmsContext, LmsContext, dict[str, PlatformUser]]:
    platform = Platform(
        issuer="https://lms.example",
        client_id="c",
        auth_login_url="https://lms.example/a",
        auth_token_url="https://lms.example/t",
        keyset_url="https://lms.example/k",
    )
    db.add(platform)
    db.flush()
    assert platform.id is not None
    here = LmsContext(platform_id=platform.id, lms_context_id="here")
    elsewhere = LmsContext(platform_id=platform.id, lms_context_id="elsewhere")
    people = {
        "zoe": PlatformUser(platform_id=platform.id, sub="s-zoe", name="Zoe", email="Zoe@X.org"),
        "adam": PlatformUser(platform_id=platform.id, sub="x-adam", given_name="Adam"),
        "nameless": PlatformUser(platform_id=platform.id, sub="s-nameless"),
        "outsider": PlatformUser(platform_id=platform.id, sub="s-out", email="zoe@x.org"),
    }
    db.add_all([here, elsewhere, *people.values()])
    db.flush()
    for key, role in (("zoe", "learner"), ("adam", "tutor"), ("nameless", "learner")):
        db.add(Membership(user_id=people[key].id, context_id=here.id, role=role))
    db.add(Membership(user_id=people["outsider"].id, context_id=elsewhere.id, role="learner"))
    db.commit()
    return here, elsewhere, people


def test_members_are_the_people_who_launched_in_this_course_ordered_by_name(db, course):
    here, _, _ = course
    members = service.course_members(db, here.id)
    assert [(m.name, m.role) for m in members] == [
        ("Adam", "tutor"),
        ("s-nameless", "learner"),
        ("Zoe", "learner"),
    ]


def test_one_member_by_id_or_sub_and_nobody_from_another_course(db, course):
    here, _, people = course
    assert service.course_member(db, here.id, sub="s-zoe").user_id == people["zoe"].id
    assert service.course_member(db, here.id, user_id=people["adam"].id).sub == "x-adam"
    assert service.course_member(db, here.id, sub="s-out") is None
    assert service.course_member(db, here.id, user_id=people["outsider"].id) is None
    with pytest.raises(ValueError):
        service.course_member(db, here.id)


def test_members_by_email_ignore_case_and_stay_in_their_course(db, course):
    here, elsewhere, people = course
    assert [m.user_id for m in service.course_members_by_email(db, here.id, " ZOE@x.org")] == [
        people["zoe"].id
    ]
    assert [m.sub for m in service.course_members_by_email(db, elsewhere.id, "zoe@x.org")] == [
        "s-out"
    ]
