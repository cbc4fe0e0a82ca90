"""The LTI domain's rules, callable without HTTP — the one entry other packages use.

Services never commit: the request's session (``kurswerk.core.db.SessionDep``) or the CLI
owns the transaction. The rules live in small modules by use case and are gathered here:

* ``lti.registrations``  — platforms and deployments (``add_platform``, ``list_platforms``,
  ``change_frame_origins``)
* ``lti.login_state``    — the server-side state/nonce of a login, the launch data store
* ``lti.identities``     — what a launch records (user, course, membership), and the
                            language a person chose in the tool (``remember_chosen_locale``)
* ``lti.members``        — who has launched in a course (``course_members``,
                            ``launched_user_ids``)
* ``lti.endpoints``      — the service claims of a launch (AGS, NRPS, resource link)
* ``lti.keys``           — the tool's keys: signing key, rotation, published key set
* ``lti.ags``            — grades to the LMS, through the outbox (``enqueue_score``...)
* ``lti.roster``         — the LMS course roster (NRPS)
* ``lti.deep_linking``   — what the deep-linking picker offers (``DeepLinkCatalog``)
* ``lti.review``         — where a submission review lands (``SubmissionReviewTarget``)

Slots the packages above ``lti`` fill (they cannot be imported from here), filled by the
composition root (``kurswerk.wiring``): ``DEEP_LINK_CATALOG`` and ``REVIEW_TARGET``.
"""

from __future__ import annotations

from datetime import timedelta

import requests
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from kurswerk.core.extensions import Slot, extensions
from kurswerk.core.outbox.queue import Handler
from kurswerk.core.settings import Settings
from lti.ags import (
    LMS_CALL,
    ActivityProgress,
    GradingProgress,
    LineItemSpec,
    enqueue_score,
    grade_feedback_released,
    grade_submitted,
)
from lti.ags_delivery import LmsCallHandler
from lti.capabilities import CourseServices, Missing, course_services
from lti.deep_linking import DeepLinkCatalog, LinkTarget
from lti.endpoints import record_services
from lti.identities import (
    CLAIM,
    LaunchIdentity,
    course_named,
    display_name,
    landing_path,
    record_launch,
    remember_chosen_locale,
)
from lti.keys import (
    TOOL_KEY_SLOT,
    KeyRing,
    Rotation,
    add_tool_key,
    drop_expired_keys,
    get_tool_key,
    published_keys,
    rotate_tool_key,
)
from lti.lms_calls import LmsCallProblem, lms_call_problems, retry_lms_call
from lti.login_state import (
    consume_login_state,
    get_launch_data,
    peek_pending_login,
    purge_expired,
    put_launch_data,
    save_login_state,
    take_pending_login,
)
from lti.members import (
    CourseMember,
    course_member,
    course_members,
    course_members_by_email,
    course_staff,
    launched_user_ids,
)
from lti.nrps import Roster, RosterMember
from lti.registrations import (
    PlatformConfigError,
    RegistrationMatch,
    add_platform,
    change_frame_origins,
    find_registration,
    frame_ancestor_origins,
    list_platforms,
    origin_of,
    platform_home,
    registrations_version,
)
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
    request_roster_refresh,
)
from lti.service_client import ServiceClient

__all__ = [
    "CLAIM",
    "LMS_CALL",
    "ROSTER_REFRESH",
    "TOOL_KEY_SLOT",
    "ActivityProgress",
    "DEEP_LINK_CATALOG",
    "DeepLinkCatalog",
    "GradingProgress",
    "CourseMember",
    "LaunchIdentity",
    "LineItemSpec",
    "LinkTarget",
    "LmsCallProblem",
    "PlatformConfigError",
    "RegistrationMatch",
    "ReviewRequest",
    "Roster",
    "RosterMember",
    "RosterUnavailable",
    "Rotation",
    "ServiceClient",
    "REVIEW_TARGET",
    "SubmissionReviewTarget",
    "add_platform",
    "add_tool_key",
    "change_frame_origins",
    "consume_login_state",
    "peek_pending_login",
    "course_roster",
    "deep_link_catalog",
    "course_member",
    "course_members",
    "course_members_by_email",
    "course_staff",
    "display_name",
    "drop_expired_keys",
    "enqueue_score",
    "find_registration",
    "platform_home",
    "course_named",
    "frame_ancestor_origins",
    "get_launch_data",
    "get_tool_key",
    "grade_feedback_released",
    "grade_submitted",
    "retry_lms_call",
    "landing_path",
    "launched_user_ids",
    "list_platforms",
    "lms_call_handler",
    "lms_call_problems",
    "CourseServices",
    "Missing",
    "course_services",
    "origin_of",
    "published_keys",
    "purge_expired",
    "put_launch_data",
    "record_launch",
    "record_members",
    "request_roster_refresh",
    "roster_refresh_handler",
    "record_services",
    "remember_chosen_locale",
    "registrations_version",
    "review_target",
    "reviewed_name",
    "reviewed_resource_id",
    "rotate_tool_key",
    "save_login_state",
    "service_client",
    "take_pending_login",
]

DEEP_LINK_CATALOG: Slot[DeepLinkCatalog] = Slot("deep-link catalog")
"""What the deep-linking picker offers (``course``'s lessons and exercises)."""
REVIEW_TARGET: Slot[SubmissionReviewTarget] = Slot("submission review target")
"""Where a submission review launch lands (``feedback``'s page of the submission)."""


def deep_link_catalog() -> DeepLinkCatalog:
    return extensions.get(DEEP_LINK_CATALOG)


def review_target() -> SubmissionReviewTarget:
    return extensions.get(REVIEW_TARGET)


def service_client(app: FastAPI) -> ServiceClient:
    """The app's client of the platforms' services (token cache per process), e.g. for
    ``course_roster`` in a route of a package above ``lti``."""
    client: ServiceClient = app.state.lti.services
    return client


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
