"""The course roster (NRPS 2.0) and submission review (LTI SR 1.0) with lti1p3platform
live on loopback (``tests/lti/ltipeer``) as the platform.

NRPS: its ``NamesRoleProvisioningService`` checks our bearer token and pages the roster
with its own ``Link: <…>; rel=next`` (unquoted); three members, one per page, with roles
as short names and as full URIs. Submission review: it signs an
``LtiSubmissionReviewRequest`` (the message type, ``for_user`` and the AGS ``lineitem``
of the gradebook column), and the tool lands where ``lti.service.review_landing`` says;
a learner may open only their own.
"""

from __future__ import annotations

from kurswerk.core.auth import Role
from lti import service
from lti.review import ReviewRequest
from tests.lti.advantage import context_of, landing, user
from tests.lti.ltipeer import MEMBERSHIP, LivePeer, Message

TUTOR = Message("tutor-1", [MEMBERSHIP + "Instructor"], "Tina Tutor", "tina@example.org")
LEARNER = Message("learner-1", [MEMBERSHIP + "Learner"], "Lena Lernende", "lena@example.org")
REVIEW = "LtiSubmissionReviewRequest"

MEMBERS = [
    {"user_id": "learner-1", "roles": ["Learner"], "name": "Lena Lernende"},  # short (Moodle)
    {
        "user_id": "tutor-1",
        "roles": [MEMBERSHIP + "Instructor"],  # full URI
        "name": "Tina Tutor",
        "email": "tina@example.org",
    },
    {
        "user_id": "learner-2",
        "roles": [MEMBERSHIP + "Learner", "Mentor"],  # both spellings in one entry
        "given_name": "Lars",
        "family_name": "Lernender",
    },
]


def _roster(client, peer: LivePeer, db, app):
    landing(peer.launch(client, TUTOR))
    return service.course_roster(db, service.service_client(app), context_id=context_of(db).id)


def test_a_roster_of_three_pages_is_read_completely(client, live_peer, db, app):
    live_peer.book.members = [dict(m) for m in MEMBERS]
    live_peer.nrps_page_size = 1
    roster = _roster(client, live_peer, db, app)
    assert roster.pages == 3
    assert live_peer.requests["memberships"] == 3
    assert live_peer.requests["token"] == 1
    assert [m.user_id for m in roster.members] == ["learner-1", "tutor-1", "learner-2"]
    by_id = {m.user_id: m for m in roster.members}
    assert by_id["learner-1"].roles == ("Learner",)
    assert by_id["learner-1"].role is Role.LEARNER
    assert by_id["tutor-1"].role is Role.TUTOR and by_id["tutor-1"].email == "tina@example.org"
    assert by_id["learner-2"].roles == (MEMBERSHIP + "Learner", "Mentor")
    assert by_id["learner-2"].role is Role.TUTOR  # the higher of the two
    assert by_id["learner-2"].display_name == "Lars Lernender"
    assert all(m.status == "Active" for m in roster.members)  # the package's default
    assert roster.context_title == "Social-Media-Strategie"


def test_one_page_when_the_platform_does_not_page(client, live_peer, db, app):
    live_peer.book.members = [dict(m) for m in MEMBERS]
    roster = _roster(client, live_peer, db, app)
    assert (roster.pages, len(roster.members)) == (1, 3)


def test_the_roster_page_lists_the_platforms_members(client, live_peer, db):
    live_peer.book.members = [dict(m) for m in MEMBERS]
    live_peer.nrps_page_size = 2
    _, token = landing(live_peer.launch(client, TUTOR))
    page = client.get(f"/c/{context_of(db).id}/roster", params={"kt": token})
    assert page.status_code == 200
    for name in ("Lena Lernende", "Tina Tutor", "Lars Lernender"):
        assert name in page.text
    assert live_peer.requests["memberships"] == 2


def test_a_failing_roster_service_is_reported(client, live_peer, db):
    _, token = landing(live_peer.launch(client, TUTOR))
    live_peer.fail_next["memberships"] = [503]
    page = client.get(f"/c/{context_of(db).id}/roster", params={"kt": token})
    assert page.status_code == 200
    assert "nicht erreichbar" in page.text and "HTTP 503" in page.text


# --- submission review -----------------------------------------------------------------


def _column(peer: LivePeer) -> dict:
    return peer.book.add_line_item(
        label="Übung: Zielgruppe (Feedback)",
        scoreMaximum=1,
        resourceId="exercise:einstieg/zielgruppe",
        resourceLinkId="link-1",
    )


def _review(viewer: Message, *, for_user: str, lineitem_url: str) -> Message:
    return Message(
        viewer.user_id,
        viewer.roles,
        viewer.name,
        viewer.email,
        kind=REVIEW,
        for_user={"user_id": for_user, "name": "Lena Lernende", "email": "lena@example.org"},
        lineitem_url=lineitem_url,
    )


def test_a_review_lands_where_the_registered_target_says(client, live_peer, db, app, fill_slot):
    seen: list[ReviewRequest] = []

    def target(session, review: ReviewRequest) -> str | None:
        seen.append(review)
        return f"feedback/{review.for_user_id}"

    fill_slot(service.REVIEW_TARGET, target)
    column = _column(live_peer)
    path, _ = landing(
        live_peer.launch(client, _review(TUTOR, for_user="learner-1", lineitem_url=column["id"]))
    )
    context = context_of(db)
    lena = user(db, "learner-1")  # recorded from for_user: she never launched
    assert lena.name == "Lena Lernende" and lena.email == "lena@example.org"
    assert path == f"/c/{context.id}/feedback/{lena.id}"
    [review] = seen
    assert (review.for_user_id, review.viewer_user_id) == (lena.id, user(db, "tutor-1").id)
    assert review.viewer_role is Role.TUTOR
    assert review.resource_link_id == "link-1"
    assert review.lineitem_url == column["id"]


def test_without_a_target_the_review_says_it_is_not_available(
    client, live_peer, db, app, fill_slot
):
    fill_slot(service.REVIEW_TARGET, lambda session, review: None)  # names no page
    column = _column(live_peer)
    path, token = landing(
        live_peer.launch(client, _review(TUTOR, for_user="learner-1", lineitem_url=column["id"]))
    )
    assert path == f"/c/{context_of(db).id}/lti/review/{user(db, 'learner-1').id}"
    page = client.get(path, params={"kt": token})
    assert page.status_code == 200
    assert "Einreichung von Lena Lernende" in page.text and "hier nicht verfügbar" in page.text


def test_a_learner_reviews_only_their_own_submission(client, live_peer, db, app, fill_slot):
    fill_slot(service.REVIEW_TARGET, lambda session, review: f"feedback/{review.for_user_id}")
    column = _column(live_peer)
    own = live_peer.launch(
        client, _review(LEARNER, for_user="learner-1", lineitem_url=column["id"])
    )
    path, _ = landing(own)
    assert path == f"/c/{context_of(db).id}/feedback/{user(db, 'learner-1').id}"
    other = live_peer.launch(
        client, _review(LEARNER, for_user="learner-2", lineitem_url=column["id"])
    )
    assert other.status_code == 403
    assert "kt=" not in other.headers.get("location", "")
