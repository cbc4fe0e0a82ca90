"""Submission review (LTI SR 1.0), the ``lti`` side: the simulator's gradebook opens a
learner's submission in the tool; it lands where the registered target says (the
feedback package's: tests/feedback/test_review_launch.py), or, when none names a page,
on a clear "not available" page; a learner sees only their own."""

from __future__ import annotations

from sqlmodel import Session

from kurswerk.core.auth import Role
from lti import service
from lti.review import ReviewRequest
from tests.lti.advantage import context_of, landing, launch, user
from tests.lti.conftest import post_launch, start_login
from tests.lti.forger import CLAIM, LEARNER, Forger


def _column(sim):
    return sim.course.add_line_item(
        label="Übung: Zielgruppe (Feedback)",
        score_maximum=1,
        resource_id="exercise:einstieg/zielgruppe",
        resource_link_id=sim.config.course.resource_link_id,
    )


def _no_page(session: Session, review: ReviewRequest) -> str | None:
    return None


def test_review_lands_on_the_not_available_page_when_no_target_names_one(
    client, sim, db: Session, app, fill_slot
):
    fill_slot(service.REVIEW_TARGET, _no_page)
    column = _column(sim)
    response = launch(client, sim, "tom", review="lena", line_item=column.id)
    path, token = landing(response)
    context = context_of(db)
    lena = user(db, sim.config.person("lena").sub)  # recorded from for_user, never launched
    assert lena.name == "Lena Lernende" and lena.email == "lena.lernende@example.org"
    assert path == f"/c/{context.id}/lti/review/{lena.id}"
    page = client.get(path, params={"kt": token})
    assert page.status_code == 200
    assert "Einreichung von Lena Lernende" in page.text
    assert "nicht verfügbar" in page.text


def test_review_lands_where_the_registered_target_says(client, sim, db, app, fill_slot):
    seen: list[ReviewRequest] = []

    def target(session: Session, review: ReviewRequest) -> str | None:
        seen.append(review)
        return f"feedback/{review.for_user_id}"

    fill_slot(service.REVIEW_TARGET, target)
    column = _column(sim)
    path, _ = landing(launch(client, sim, "tom", review="lena", line_item=column.id))
    context = context_of(db)
    lena = user(db, sim.config.person("lena").sub)
    tom = user(db, sim.config.person("tom").sub)
    assert path == f"/c/{context.id}/feedback/{lena.id}"
    [review] = seen
    assert review.context_id == context.id
    assert (review.for_user_id, review.viewer_user_id) == (lena.id, tom.id)
    assert review.viewer_role is Role.TUTOR
    assert review.resource_link_id == sim.config.course.resource_link_id
    assert review.lineitem_url == sim.config.lineitem_url(column.id)


def test_a_target_that_would_leave_the_course_falls_back(client, sim, db, app, fill_slot):
    for bad in ("../../admin", "//evil.example/x", "https://evil.example/", ""):
        fill_slot(service.REVIEW_TARGET, lambda session, review, bad=bad: bad)
        path, _ = landing(launch(client, sim, "tom", review="lena", line_item=_column(sim).id))
        assert path.startswith(f"/c/{context_of(db).id}/lti/review/"), (bad, path)


def _review_launch(client, forger: Forger, *, sub: str, for_user: str, roles):
    login = start_login(client)
    claims = forger.claims(
        login.nonce,
        sub=sub,
        **{
            CLAIM + "message_type": "LtiSubmissionReviewRequest",
            CLAIM + "roles": roles,
            CLAIM + "for_user": {"user_id": for_user, "name": "Someone"},
        },
    )
    return post_launch(client, forger.sign(claims), login.state)


def test_a_learner_reviews_only_their_own_submission(client, forger, db, app, fill_slot):
    fill_slot(service.REVIEW_TARGET, _no_page)
    own = _review_launch(client, forger, sub="learner-1", for_user="learner-1", roles=[LEARNER])
    path, token = landing(own)
    assert "/lti/review/" in path
    other = _review_launch(client, forger, sub="learner-1", for_user="learner-2", roles=[LEARNER])
    assert other.status_code == 403
    # Nor by guessing the fallback page of another learner.
    other_id = int(path.rsplit("/", 1)[1]) + 1000
    assert (
        client.get(f"{path.rsplit('/', 1)[0]}/{other_id}", params={"kt": token}).status_code == 403
    )


def test_for_user_must_name_someone(client, forger, engine):
    login = start_login(client)
    claims = forger.claims(
        login.nonce,
        **{
            CLAIM + "message_type": "LtiSubmissionReviewRequest",
            CLAIM + "for_user": {"name": "no id"},
        },
    )
    assert post_launch(client, forger.sign(claims), login.state).status_code == 400


def test_the_gradebook_shows_scores_comments_and_review_buttons(client, sim):
    column = _column(sim)
    from datetime import UTC, datetime

    from kurswerk.devplatform.lms import Score

    sim.course.record_score(
        column.id,
        Score(
            user_id="2001",
            activity_progress="Completed",
            grading_progress="FullyGraded",
            timestamp=datetime.now(UTC),
            score_given=1,
            score_maximum=1,
            comment="Gute Analyse.",
        ),
    )
    page = sim.client.get("/gradebook", params={"person": "tom"})
    assert page.status_code == 200
    assert "Gute Analyse." in page.text and "1 / 1" in page.text
    assert "Completed · FullyGraded" in page.text
    assert f"review=lena&amp;line_item={column.id}" in page.text
    review = sim.client.get(
        "/gradebook", params={"person": "tom", "review": "lena", "line_item": column.id}
    )
    assert f'src="/launch/tom?review=lena&amp;line_item={column.id}"' in review.text
    # Learners do not get the gradebook or a review launch.
    assert "Gute Analyse." not in sim.client.get("/gradebook", params={"person": "lena"}).text
    assert (
        sim.client.get(
            "/launch/lena", params={"review": "lena", "line_item": column.id}
        ).status_code
        == 404
    )
