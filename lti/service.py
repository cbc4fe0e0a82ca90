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
from sqlalchemy.engine import Engine

from kurswerk.core.extensions import Slot, extensions
from kurswerk.core.outbox.queue import Handler
from kurswerk.core.settings import Settings
from lti.ags import LMS_CALL, LineItemSpec, grade_feedback_released, grade_submitted
from lti.ags_delivery import LmsCallHandler
from lti.capabilities import course_services
from lti.deep_linking import DeepLinkCatalog, LinkTarget
from lti.endpoints import record_services
from lti.identities import (
    remember_chosen_locale,
)
from lti.keys import (
    TOOL_KEY_SLOT,
    KeyRing,
    Rotation,
    published_keys,
    rotate_tool_key,
)
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
from lti.service_client import AccessTokens, ServiceClient, service_client

__all__ = [
    "LMS_CALL",
    "ROSTER_REFRESH",
    "TOOL_KEY_SLOT",
    "DEEP_LINK_CATALOG",
    "DeepLinkCatalog",
    "CourseMember",
    "LineItemSpec",
    "LinkTarget",
    "ReviewRequest",
    "Roster",
    "RosterUnavailable",
    "Rotation",
    "ServiceClient",
    "REVIEW_TARGET",
    "SubmissionReviewTarget",
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
    "roster_refresh_handler",
    "record_services",
    "remember_chosen_locale",
    "review_target",
    "reviewed_name",
    "reviewed_resource_id",
    "roster_refresh_handler",
    "rotate_tool_key",
    "service_client",
]

DEEP_LINK_CATALOG: Slot[DeepLinkCatalog] = Slot("deep-link catalog")
"""What the deep-linking picker offers (``course``'s lessons and exercises)."""
REVIEW_TARGET: Slot[SubmissionReviewTarget] = Slot("submission review target")
"""Where a submission review launch lands (``feedback``'s page of the submission)."""


def deep_link_catalog() -> DeepLinkCatalog:
    return extensions.get(DEEP_LINK_CATALOG)


def review_target() -> SubmissionReviewTarget:
    return extensions.get(REVIEW_TARGET)


def _worker_client(settings: Settings, engine: Engine) -> ServiceClient:
    """A worker's client of the platforms' services, with its own key ring and token cache."""
    keys = KeyRing(engine, overlap=timedelta(hours=settings.tool_key_overlap_hours))
    http = requests.Session()
    http.headers["User-Agent"] = "Kurswerk-LTI/1.0"
    return ServiceClient(
        AccessTokens(
            http=http, timeout_seconds=settings.http_timeout_seconds, signing_key=keys.signing
        )
    )


def lms_call_handler(settings: Settings, engine: Engine) -> Handler:
    """The outbox handler for ``lms_call`` rows (``kurswerk worker``, the demo's
    background worker)."""
    return LmsCallHandler(engine, _worker_client(settings, engine))


def roster_refresh_handler(settings: Settings, engine: Engine) -> Handler:
    """The outbox handler for ``roster_refresh`` rows (a course's roster read again)."""
    return RosterRefreshHandler(engine, _worker_client(settings, engine))
