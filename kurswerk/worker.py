"""What the outbox worker delivers and runs, in one place for ``kurswerk worker`` and the
demo's in-process worker: the handlers by kind (emails; LMS calls; roster readings) and the domains'
periodic jobs (tutors' submission digests; forum digests and unanswered alerts).

The shell may reach the domains here, as the app factory and the CLI do (see the
import contract's exceptions): the domains register, the shell only assembles.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from kurswerk.core.outbox.queue import Handler
from kurswerk.core.outbox.worker import default_handlers
from kurswerk.core.settings import Settings
from kurswerk.wiring import wire


def register_jobs(settings: Settings) -> None:
    wire()
    from course import service as course_service
    from uploads import service as uploads_service

    uploads_service.register_jobs(settings)  # the tutors' daily digest of new submissions
    course_service.register_forum_jobs(settings)  # forum digests, unanswered-question alerts


def handlers(settings: Settings, engine: Engine) -> dict[str, Handler]:
    from lti import service as lti_service

    return {
        **default_handlers(settings),
        lti_service.LMS_CALL: lti_service.lms_call_handler(settings, engine),
        lti_service.ROSTER_REFRESH: lti_service.roster_refresh_handler(settings, engine),
    }
