"""The LTI domain's service: what the packages above ``lti`` and the composition root
call. Services never commit: the request's session (``kurswerk.core.db.SessionDep``) or
the CLI owns the transaction. The rules live in small modules by use case; inside
``lti`` they import each other directly. Chosen from them for the other packages:

* ``lti.registrations``  — platforms and their frame origins (the command line, the demo)
* ``lti.keys``           — the published key set, rotation (the command line)
* ``lti.members``        — who has launched in a course (coaching, the forum, uploads)
* ``lti.roster``         — the LMS course roster (NRPS) and recording its members
* ``lti.capabilities``   — what the LMS allows in a course (the tutors' queue)
* ``lti.ags``            — grades to the LMS, through the outbox
* ``lti.deep_linking``   — what a deep link names (``LinkTarget``)
* ``lti.review``         — where a submission review lands (``ReviewRequest``)

Defined here: the outbox handlers of the worker (``lms_call_handler``,
``roster_refresh_handler``), and the extension points for the packages above ``lti``
(they cannot be imported from here): ``register_deep_link_catalog(app, catalog)`` and
``register_review_target(app, target)``.
"""

from __future__ import annotations

from datetime import timedelta

import requests
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from kurswerk.core.outbox.queue import Handler
from kurswerk.core.settings import Settings
from lti.ags import LMS_CALL, LineItemSpec, grade_feedback_released, grade_submitted
from lti.ags_delivery import LmsCallHandler
from lti.capabilities import course_services
from lti.deep_linking import CourseStartCatalog, DeepLinkCatalog, LinkTarget
from lti.keys import KeyRing, published_keys, rotate_tool_key
from lti.members import (
    CourseMember,
    course_member,
    course_members,
    course_members_by_email,
    course_staff,
    launched_user_ids,
)
from lti.nrps import Roster
from lti.registrations import add_platform, change_frame_origins, list_platforms
from lti.review import (
    ReviewRequest,
    SubmissionReviewTarget,
    reviewed_name,
    reviewed_resource_id,
)
from lti.roster import (
    ROSTER_REFRESH,
    RosterRefreshHandler,
    RosterUnavailable,
    course_roster,
    record_members,
)
from lti.service_client import ServiceClient, service_client

__all__ = [
    "LMS_CALL",
    "ROSTER_REFRESH",
    "CourseMember",
    "LineItemSpec",
    "LinkTarget",
    "ReviewRequest",
    "Roster",
    "RosterUnavailable",
    "add_platform",
    "change_frame_origins",
    "course_member",
    "course_members",
    "course_members_by_email",
    "course_roster",
    "course_services",
    "course_staff",
    "grade_feedback_released",
    "grade_submitted",
    "launched_user_ids",
    "list_platforms",
    "lms_call_handler",
    "published_keys",
    "record_members",
    "register_deep_link_catalog",
    "register_review_target",
    "reviewed_name",
    "reviewed_resource_id",
    "roster_refresh_handler",
    "rotate_tool_key",
    "service_client",
]

DEEP_LINK_CATALOG_ATTR = "lti_deep_link_catalog"
REVIEW_TARGET_ATTR = "lti_review_target"
_DEFAULT_CATALOG = CourseStartCatalog()


def register_deep_link_catalog(app: FastAPI, catalog: DeepLinkCatalog) -> None:
    """What the deep-linking picker offers (``course`` registers its lessons/exercises)."""
    setattr(app.state, DEEP_LINK_CATALOG_ATTR, catalog)


def deep_link_catalog(app: FastAPI) -> DeepLinkCatalog:
    catalog = getattr(app.state, DEEP_LINK_CATALOG_ATTR, None)
    return catalog if catalog is not None else _DEFAULT_CATALOG


def register_review_target(app: FastAPI, target: SubmissionReviewTarget) -> None:
    """Where a submission review launch lands (the feedback work registers it)."""
    setattr(app.state, REVIEW_TARGET_ATTR, target)


def review_target(app: FastAPI) -> SubmissionReviewTarget | None:
    return getattr(app.state, REVIEW_TARGET_ATTR, None)


def _worker_client(settings: Settings, engine: Engine) -> ServiceClient:
    """A worker's client of the platforms' services, with its own key ring and token cache."""
    keys = KeyRing(engine, overlap=timedelta(hours=settings.tool_key_overlap_hours))
    http = requests.Session()
    http.headers["User-Agent"] = "Kurswerk-LTI/1.0"
    return ServiceClient.create(
        http=http, timeout_seconds=settings.http_timeout_seconds, signing_key=keys.signing
    )


def lms_call_handler(settings: Settings, engine: Engine) -> Handler:
    """The outbox handler for ``lms_call`` rows (``kurswerk worker``, the demo's
    background worker)."""
    return LmsCallHandler(engine, _worker_client(settings, engine))


def roster_refresh_handler(settings: Settings, engine: Engine) -> Handler:
    """The outbox handler for ``roster_refresh`` rows (a course's roster read again)."""
    return RosterRefreshHandler(engine, _worker_client(settings, engine))
