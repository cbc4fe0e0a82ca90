"""The composition root fills the extension point (``kurswerk.core.extensions``): called
by the app factory, the command line and the worker before anything runs.

Here, and nowhere else, a slot a lower layer declares is filled with what an upper layer
gives, and the rooms' texts and templates are registered with the shell. Every slot is
filled (``tests/kurswerk/test_wiring.py``). ``wire()`` runs for each app and each command;
it fills only what is not filled yet, so a second call changes nothing (and leaves a
test's stand-in, ``fill_slot``, in place).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TypeVar

from starlette.routing import Router

import coaching.routes
import course.routes
import feedback.routes
import lti.routes
import uploads.routes
from coaching import home_panels as coaching_home
from coaching import service as coaching_service
from coaching.office_hours.routes.availability import OFFER_LINK as OFFICE_HOURS_OFFER_LINK
from coaching.office_hours.routes.booking import OFFICE_HOURS_LINK
from coaching.office_hours.routes.booking import help_rung_path as office_hours_help_rung
from coaching.office_hours.routes.sessions import BOOKINGS_LINK as OFFICE_HOURS_BOOKINGS_LINK
from coaching.office_hours.routes.sessions import SESSIONS_LINK as OFFICE_HOURS_SESSIONS_LINK
from coaching.routes.packages import ADMIN_LINK as COACHING_ADMIN_LINK
from course import service as course_service
from course.binding import course_brand
from course.deep_link_catalog import CourseDeepLinkCatalog
from course.faq.routes import HELP_RUNG_PAGES, LESSON_LINKS
from course.help_rungs import RungPath
from course.progress import home as progress_home
from course.progress import position as reading_position
from course.service import bind_named_course
from feedback.promises.desk import PromiseDesk
from feedback.promises.routes import CAPACITY_LINK as PROMISE_CAPACITY_LINK
from feedback.promises.routes import REPORT_LINK as PROMISE_REPORT_LINK
from feedback.promises.warnings import warning_task as promise_warning_task
from feedback.review_landing import review_target as feedback_review_target
from feedback.routes.learner import feedback_panel
from feedback.routes.queue import QUEUE_LINK as FEEDBACK_QUEUE_LINK
from feedback.routes.queue import tutor_day_panel
from kurswerk.core import i18n, paths
from kurswerk.core.branding import COURSE_BRAND
from kurswerk.core.extensions import COURSE_BINDER, SUBMISSION_COUNTER, Slot, extensions
from kurswerk.core.lms_home import LMS_HOME
from kurswerk.core.locale_choice import LOCALE_CHOICE_STORE
from kurswerk.core.outbox.worker import OUTBOX_HANDLERS, PERIODIC_JOBS
from kurswerk.core.templating import add_template_folder
from lti import home_panel as lti_home
from lti import service as lti_service
from lti.registrations import platform_home
from lti.routes.course import LMS_CALLS_LINK, ROSTER_LINK
from uploads import home_panel as uploads_home
from uploads import service as uploads_service
from uploads.queries import count_submissions

ROOMS = (lti.routes, course.routes, coaching.routes, uploads.routes, feedback.routes)
"""Each room's ``TEMPLATES`` folder, in layer order."""

TEMPLATE_FOLDERS: tuple[Path, ...] = tuple(room.TEMPLATES for room in ROOMS)

COURSE_HOME_LINKS = (
    uploads.routes.SUBMISSIONS_LINK,
    coaching.routes.MINE_LINK,
    OFFICE_HOURS_LINK,
    FEEDBACK_QUEUE_LINK,
    OFFICE_HOURS_SESSIONS_LINK,
    ROSTER_LINK,
    OFFICE_HOURS_OFFER_LINK,
    COACHING_ADMIN_LINK,
    OFFICE_HOURS_BOOKINGS_LINK,
    LMS_CALLS_LINK,
    PROMISE_CAPACITY_LINK,
    PROMISE_REPORT_LINK,
)
"""The pages of other rooms the course home links to, in this order."""


COURSE_HOME_PANELS = (
    progress_home.progress_panel,  # learners: where they left off, their progress
    coaching_home.package_panel,  # learners: what is left of their package
    coaching_home.office_hour_panel,  # learners: their next office hour
    uploads_home.submissions_panel,  # learners: their submissions, promised dates
    tutor_day_panel,  # tutors and admins: what waits
    coaching_home.packages_use_panel,  # admins: the packages' use
    course_service.templated(lti_home.TEMPLATE, lti_home.health_values),  # admins: the LMS
)
"""The course home's panels, in this order (each shows only for its roles)."""


HELP_RUNGS: dict[str, RungPath] = {**HELP_RUNG_PAGES, "sprechstunde": office_hours_help_rung}
"""Where each rung of the help ladder leads (``course.help_rungs``)."""

T = TypeVar("T")


def _fill(slot: Slot[T], value: T) -> None:
    if not extensions.is_filled(slot):
        extensions.fill(slot, value)


def wire() -> None:
    """Register the rooms' templates, check the catalogs, and fill every slot (idempotent)."""
    paths.use_route_table(route_table)
    i18n.load_catalogs()  # a language whose catalog is not compiled stops the start here
    for folder in TEMPLATE_FOLDERS:
        add_template_folder(folder)

    fill = _fill
    # the shell's core
    fill(LOCALE_CHOICE_STORE, lti_service.remember_chosen_locale)
    fill(LMS_HOME, platform_home)
    fill(COURSE_BRAND, course_brand)
    fill(
        PERIODIC_JOBS,
        (
            uploads_service.digest_task,
            course_service.forum_task,
            coaching_service.office_hours_layout_task,
            coaching_service.office_hours_reminder_task,
            promise_warning_task,
        ),
    )
    fill(
        OUTBOX_HANDLERS,
        {
            lti_service.LMS_CALL: lti_service.lms_call_handler,
            lti_service.ROSTER_REFRESH: lti_service.roster_refresh_handler,
        },
    )
    # lti
    fill(lti_service.DEEP_LINK_CATALOG, CourseDeepLinkCatalog())
    # A gradebook's "view submission" (LTI submission review) opens the submission in
    # the feedback room.
    fill(lti_service.REVIEW_TARGET, feedback_review_target)
    # course
    fill(course_service.LESSON_LINKS, LESSON_LINKS)
    fill(course_service.EXERCISE_PANELS, (uploads.routes.exercise_panel,))
    fill(
        course_service.LESSON_END_PANELS,
        (uploads.routes.lesson_end.lesson_end_panel, reading_position.position_panel),
    )
    fill(course_service.HELP_RUNGS, HELP_RUNGS)
    fill(course_service.COURSE_HOME_LINKS, COURSE_HOME_LINKS)
    fill(course_service.COURSE_HOME_PANELS, COURSE_HOME_PANELS)
    # coaching
    fill(SUBMISSION_COUNTER, count_submissions)
    # uploads: released feedback on the learner's submission page
    fill(uploads_service.SUBMISSION_PANELS, (feedback_panel,))
    # uploads: the promised feedback date of a new version (feedback.promises)
    fill(uploads_service.PROMISE_DESK, PromiseDesk())
    fill(COURSE_BINDER, bind_named_course)


@functools.cache
def route_table() -> Router:
    """The routers the app factory includes, without an app: the worker writes mails
    whose links name pages (``kurswerk.core.paths``). Built on the first path asked for."""
    from kurswerk.core import routes as shell_routes
    from lti.routes import course as lti_pages

    routers = (
        shell_routes.router,
        shell_routes.dev_router,  # named here in every setup: the table serves nothing
        lti.routes.router,
        lti_pages.router,
        course.routes.router,
        coaching.routes.router,
        uploads.routes.router,
        feedback.routes.router,
    )
    return Router(routes=[route for router in routers for route in router.routes])
