"""An ``lti_message_hint`` ties the auth request to the person who clicked; it expires."""

from __future__ import annotations

from kurswerk.devplatform.config import PEOPLE
from kurswerk.devplatform.oidc import PendingLaunches


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hint_names_its_person_once():
    launches = PendingLaunches(ttl_seconds=60, clock=FakeClock())
    hint = launches.issue(PEOPLE[0])
    assert launches.take(hint) == PEOPLE[0]
    assert launches.take(hint) is None


def test_hint_expires_after_its_lifetime():
    clock = FakeClock()
    launches = PendingLaunches(ttl_seconds=60, clock=clock)
    hint = launches.issue(PEOPLE[1])
    clock.now += 60
    assert launches.take(hint) is None


def test_expired_hints_are_forgotten_when_new_ones_are_issued():
    clock = FakeClock()
    launches = PendingLaunches(ttl_seconds=60, clock=clock)
    old = launches.issue(PEOPLE[0])
    clock.now += 61
    fresh = launches.issue(PEOPLE[0])
    assert old not in launches._pending
    assert launches.take(fresh) == PEOPLE[0]
