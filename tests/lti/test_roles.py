"""LTI roles → Kurswerk roles: context roles decide tutor/learner, administrators count at
every level, the highest role wins, unknown roles grant nothing."""

from __future__ import annotations

import pytest

from kurswerk.core.auth import Role
from lti.roles import map_roles, parse_role

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (LIS + "membership#Learner", Role.LEARNER),
        (LIS + "membership#Instructor", Role.TUTOR),
        (LIS + "membership#Mentor", Role.TUTOR),
        (LIS + "membership/Instructor#TeachingAssistant", Role.TUTOR),
        (LIS + "membership/Learner#Learner", Role.LEARNER),
        (LIS + "membership#Administrator", Role.ADMIN),
        (LIS + "institution/person#Administrator", Role.ADMIN),
        (LIS + "system/person#Administrator", Role.ADMIN),
        (LIS + "system/person#SysAdmin", Role.ADMIN),
        ("Learner", Role.LEARNER),
        ("Instructor", Role.TUTOR),
        ("TeachingAssistant", Role.TUTOR),
        ("Mentor", Role.TUTOR),
        ("Administrator", Role.ADMIN),
        ("  Instructor ", Role.TUTOR),
    ],
)
def test_known_roles_map(value, expected):
    assert parse_role(value) is expected


@pytest.mark.parametrize(
    "value",
    [
        # Institution/system roles other than administrator say nothing about this course.
        LIS + "institution/person#Instructor",
        LIS + "institution/person#Faculty",
        LIS + "institution/person#Student",
        LIS + "system/person#User",
        LIS + "membership#ContentDeveloper",
        LIS + "membership#Member",
        "http://purl.imsglobal.org/vocab/lti/system/person#TestUser",
        "http://example.com/vocab#Instructor",
        "instructor",  # short names are case-sensitive like the URIs
        "Student",
        "",
    ],
)
def test_other_roles_grant_nothing(value):
    assert parse_role(value) is None


def test_highest_role_wins():
    assert map_roles([LIS + "membership#Learner", LIS + "membership#Instructor"]) is Role.TUTOR
    assert map_roles(["Learner", LIS + "institution/person#Administrator"]) is Role.ADMIN
    assert map_roles([LIS + "membership#Instructor", "Learner"]) is Role.TUTOR


def test_no_known_role_means_learner():
    assert map_roles([]) is Role.LEARNER
    assert map_roles([LIS + "institution/person#Instructor"]) is Role.LEARNER


def test_canvas_teacher_elsewhere_is_a_learner_here():
    roles = [LIS + "institution/person#Instructor", LIS + "membership#Learner"]
    assert map_roles(roles) is Role.LEARNER
