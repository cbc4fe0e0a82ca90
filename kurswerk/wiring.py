"""The composition root fills the extension point (``kurswerk.core.extensions``): called
by the app factory, the command line and the worker before anything runs."""

from __future__ import annotations

from course.service import bind_named_course
from kurswerk.core.extensions import extensions
from uploads.queries import count_submissions


def wire() -> None:
    """Fill every slot (idempotent: the same functions each time)."""
    extensions.count_submissions = count_submissions
    extensions.bind_named_course = bind_named_course
