"""The one extension point: the slots an upper layer fills for a lower one.

A lower layer (the shell's core, ``lti``, ``course``, ``coaching``) sometimes needs
something only an upper layer knows: coaching's entitlement rule counts the learner's
submissions, which live in ``uploads``. The lower layer declares the slot here, typed;
the composition root (``kurswerk.wiring``) fills every slot, once, before the app, the
worker or a command runs. Nothing fills a slot at import time, and no domain fills
another's slot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

# (session, LMS course id, one user's id or None for everyone) -> submissions per user id
SubmissionCounter = Callable[[Session, int, int | None], dict[int, int]]
# (session, LMS course id, the course a launch names) -> None; binds the LMS course to
# it, or raises an AppError (not loaded; bound to another course). Filled by ``course``.
CourseBinder = Callable[[Session, int, str], object]


class SlotNotFilled(RuntimeError):
    """A slot was read before the composition root filled it: a wiring mistake."""


@dataclass
class Extensions:
    count_submissions: SubmissionCounter | None = None
    bind_named_course: CourseBinder | None = None

    def submission_counter(self) -> SubmissionCounter:
        if self.count_submissions is None:
            raise SlotNotFilled("count_submissions (kurswerk.wiring.wire() was not called)")
        return self.count_submissions

    def course_binder(self) -> CourseBinder:
        if self.bind_named_course is None:
            raise SlotNotFilled("bind_named_course (kurswerk.wiring.wire() was not called)")
        return self.bind_named_course


extensions = Extensions()
