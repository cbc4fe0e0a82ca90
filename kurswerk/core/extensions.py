"""The one extension point: the slots an upper layer fills for a lower one.

A lower layer (the shell's core, ``lti``, ``course``, ``coaching``, ``uploads``)
sometimes needs something only an upper layer knows: coaching's entitlement rule counts
the learner's submissions, which live in ``uploads``; the deep-linking picker of ``lti``
offers the lessons of ``course``. The lower layer declares a :class:`Slot`, typed with
its own types, next to the code that reads it; the one :data:`extensions` object holds
the value of every slot. The composition root (``kurswerk.wiring.wire``) fills every
slot, once, before the app, the worker or a command runs. Nothing fills a slot at
import time, and no domain fills another's slot (``tests/test_architecture.py``).

Every slot is filled by ``wire()``: reading one that is not filled is a wiring mistake
and raises :class:`SlotNotFilled` (no slot has an implicit "nothing installed" default).
A slot that holds several things (panels, links, jobs) is a tuple, which the root may
fill with ``()``.

Per-app objects (the LTI runtime bound to an app's engine, the upload tools bound to its
settings) are not slots: the app factory builds them onto ``app.state``; a slot is the
same for every app of the process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlmodel import Session

if TYPE_CHECKING:  # kurswerk.core.auth declares a slot of its own here
    from kurswerk.core.auth import Role

T = TypeVar("T")


class SlotNotFilled(RuntimeError):
    """A slot was read before the composition root filled it: a wiring mistake."""


class Slot(Generic[T]):
    """The key of one slot; ``T`` is the type of what fills it."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"


class Extensions:
    """What fills each slot (one instance, :data:`extensions`)."""

    def __init__(self) -> None:
        self._values: dict[Slot[Any], Any] = {}
        self.generation = 0
        """Counts the changes of any slot: what is worked out from the slots and kept (a
        lesson's rendered parts, ``course.render_cache``) names it in its key."""

    def fill(self, slot: Slot[T], value: T) -> None:
        """For the composition root only (the same value again is harmless)."""
        self._values[slot] = value
        self.generation += 1

    def is_filled(self, slot: Slot[Any]) -> bool:
        return slot in self._values

    def get(self, slot: Slot[T]) -> T:
        try:
            value: T = self._values[slot]
        except KeyError:
            raise SlotNotFilled(
                f"slot {slot.name!r} is not filled (kurswerk.wiring.wire() was not called)"
            ) from None
        return value

    @contextmanager
    def replaced(self, slot: Slot[T], value: T) -> Iterator[None]:
        """``slot`` holds ``value`` inside the block, then what it held before (tests)."""
        missing = object()
        before = self._values.get(slot, missing)
        self._values[slot] = value
        self.generation += 1
        try:
            yield
        finally:
            if before is missing:
                self._values.pop(slot, None)
            else:
                self._values[slot] = before
            self.generation += 1


extensions = Extensions()


# --- Slots the shell's core and coaching read -----------------------------------------

# (session, LMS course id, one user's id or None for everyone) -> submissions per user id
SubmissionCounter = Callable[[Session, int, int | None], dict[int, int]]
SUBMISSION_COUNTER: Slot[SubmissionCounter] = Slot("submission counter")
"""Coaching's entitlement rule and roster count the submissions ``uploads`` keeps."""

# (session, LMS course id, the course a launch names) -> None; binds the LMS course to
# it, or raises an AppError (not loaded; bound to another course).
CourseBinder = Callable[[Session, int, str], object]
COURSE_BINDER: Slot[CourseBinder] = Slot("course binder")
"""The launch (``lti``) binds the LMS course to the course it names (``course``)."""


@dataclass(frozen=True)
class CourseHomeLink:
    """A page of a room that the course home links to, under its own title, for the
    given roles: the room names its route (``route_name``); the course knows none.

    Declared here, not in ``course``: ``lti``, below ``course``, has pages there too."""

    label: str
    """Its title, a message id (``N_``), translated where the course home shows it."""
    route_name: str
    roles: frozenset[Role]
