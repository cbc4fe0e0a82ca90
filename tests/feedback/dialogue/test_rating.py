"""Was it helpful? (issue 14): the learner rates each released feedback on a scale of 1 to
5 with an optional comment, once per feedback and changeable; nobody else rates it (404).
Tutors see their own ratings in aggregate, admins per tutor and per exercise; the figures
are checked on a dataset whose sums are known."""

from __future__ import annotations

import pytest
from sqlmodel import select

from feedback.dialogue import aggregates, ratings
from feedback.dialogue.models import FeedbackRating
from kurswerk.core.clock import utcnow
from tests.feedback.dialogue.conftest import rate
from tests.feedback.helpers import path, text_of


def rows(db) -> list[FeedbackRating]:
    db.expire_all()
    return list(db.exec(select(FeedbackRating).order_by(FeedbackRating.id)).all())


def test_the_learner_rates_once_and_may_change_it(web, world, released, db):
    page = web.get(path(world.learner, f"/feedback/{released.sid}"))
    assert "Wie hilfreich war dieses Feedback für Sie?" in page.text
    assert "4 – hilfreich" in text_of(page) and "1 – gar nicht hilfreich" in text_of(page)
    response = rate(web, world.learner, released.fid, "4", "Klar und konkret.")
    assert response.status_code == 303
    location = response.headers["location"]
    assert "done=rated" in location and location.endswith(f"#kw-rating-{released.fid}")
    (first,) = rows(db)
    assert (first.score, first.comment, first.feedback_id) == (4, "Klar und konkret.", released.fid)
    shown = web.get(location)
    assert "Danke, Ihre Bewertung ist gespeichert." in text_of(shown)
    assert f'id="kw-score-{released.fid}-4" name="score" value="4" checked' in shown.text
    assert "Bewertung ändern" in shown.text

    assert rate(web, world.learner, released.fid, "2").status_code == 303  # changed
    (changed,) = rows(db)
    assert (changed.id, changed.score, changed.comment) == (first.id, 2, "")
    assert changed.created_at == first.created_at and changed.updated_at >= first.updated_at


@pytest.mark.parametrize(
    ("score", "comment", "message"),
    [
        ("", "", "Bitte wählen Sie aus, wie hilfreich"),
        ("0", "", "Bitte wählen Sie aus, wie hilfreich"),
        ("6", "", "Bitte wählen Sie aus, wie hilfreich"),
        ("4.5", "", "Bitte wählen Sie aus, wie hilfreich"),
        ("3", "k" * (ratings.COMMENT_MAX_CHARS + 1), "zu lang (höchstens 1 000)"),
    ],
)
def test_a_rating_off_the_scale_or_too_long_is_refused(
    web, world, released, db, score, comment, message
):
    response = rate(web, world.learner, released.fid, score, comment)
    assert response.status_code == 422
    assert message in text_of(response).replace("\u202f", " ")
    if comment:
        assert comment in response.text  # kept as typed
    assert rows(db) == []


def test_a_refused_change_keeps_the_rating_as_it_was(web, world, released, db):
    rate(web, world.learner, released.fid, "5", "Sehr gut.")
    assert rate(web, world.learner, released.fid, "9").status_code == 422
    (kept,) = rows(db)
    assert (kept.score, kept.comment) == (5, "Sehr gut.")


def test_no_one_rates_someone_elses_feedback(web, world, released, db):
    for person in (world.learner2, world.tutor, world.admin, world.other_learner):
        assert rate(web, person, released.fid, "1").status_code == 404
    assert rows(db) == []


@pytest.mark.parametrize("token", [None, "", "falsch"])
def test_a_rating_needs_the_csrf_token(web, world, released, db, token):
    assert rate(web, world.learner, released.fid, "4", csrf=token).status_code == 403
    assert rows(db) == []


def _dataset(world, release_feedback, db):
    """Tilda's feedback rated 5, 4 and 4 (two exercises), Theo's rated 1; one unrated."""
    tilda_1 = release_feedback(world.learner)
    tilda_2 = release_feedback(world.learner2)
    tilda_3 = release_feedback(world.learner, exercise="art-der-kundenbeziehung")
    theo = release_feedback(world.learner2, tutor=world.tutor2, exercise="art-der-kundenbeziehung")
    release_feedback(world.learner, tutor=world.tutor2, industry="fmcg")  # not rated
    for learner, feedback, score in (
        (world.learner, tilda_1, 5),
        (world.learner2, tilda_2, 4),
        (world.learner, tilda_3, 4),
        (world.learner2, theo, 1),
    ):
        ratings.rate(
            db, learner.principal, feedback.fid, score=str(score), comment="", now=utcnow()
        )
    db.commit()


def test_the_aggregates_add_up_on_a_known_dataset(world, release_feedback, db):
    _dataset(world, release_feedback, db)
    context = world.learner.context_id
    tilda = aggregates.tutor_summary(db, context, world.tutor.principal.user_id)
    assert tilda.distribution == (0, 0, 0, 2, 1)
    assert (tilda.count, tilda.total, round(tilda.average, 4)) == (3, 13, 4.3333)
    assert tilda.share(4) == pytest.approx(2 / 3)
    empty = aggregates.tutor_summary(db, context, world.admin.principal.user_id)
    assert (empty.count, empty.average) == (0, None)
    by_tutor = {g.name: g.summary.distribution for g in aggregates.by_tutor(db, context)}
    assert by_tutor == {"Theo Tutor": (1, 0, 0, 0, 0), "Tilda Tutorin": (0, 0, 0, 2, 1)}
    by_exercise = {g.name: g.summary for g in aggregates.by_exercise(db, context)}
    assert {name: s.distribution for name, s in by_exercise.items()} == {
        "Leistungen für die Kundenbeziehung und Social Media": (0, 0, 0, 1, 1),
        "Art der Kundenbeziehung und Leistungspotenzial von Social Media": (1, 0, 0, 1, 0),
    }
    other = world.other_tutor.principal
    assert aggregates.by_tutor(db, other.context_id) == []  # another LMS course's: none


def test_tutors_see_their_own_ratings_and_admins_everyones(web, world, release_feedback, db):
    _dataset(world, release_feedback, db)
    mine = web.get(path(world.tutor, "/dialogue/ratings/mine"))
    assert mine.status_code == 200
    shown = text_of(mine)
    assert "Anzahl Bewertungen 3" in shown and "Durchschnitt (1 bis 5) 4,3" in shown
    assert "4 – hilfreich 2 67 %" in shown and "1 – gar nicht hilfreich 0 0 %" in shown
    assert "Theo" not in shown.split("Wie hilfreich war Ihr Feedback?")[-1]
    theo = text_of(web.get(path(world.tutor2, "/dialogue/ratings/mine")))
    assert "Anzahl Bewertungen 1" in theo and "Durchschnitt (1 bis 5) 1" in theo
    assert web.get(path(world.learner, "/dialogue/ratings/mine")).status_code == 404

    admin = web.get(path(world.admin, "/dialogue/ratings"))
    assert admin.status_code == 200
    table = text_of(admin)
    assert "Tilda Tutorin 3 4,3 0 0 0 2 1" in table and "Theo Tutor 1 1 1 0 0 0 0" in table
    assert "Art der Kundenbeziehung und Leistungspotenzial von Social Media 2 2,5" in table
    for person in (world.tutor, world.learner):
        assert web.get(path(person, "/dialogue/ratings")).status_code == 403


def test_admins_read_the_comments_without_the_learners_names(web, world, released, db):
    rate(web, world.learner, released.fid, "3", "Mehr Beispiele wären hilfreich.")
    page = text_of(web.get(path(world.admin, "/dialogue/ratings")))
    assert "Mehr Beispiele wären hilfreich." in page
    assert "3 – teils hilfreich" in page and "Lena" not in page.split("Kommentare")[-1]
    tutor_page = text_of(web.get(path(world.tutor, "/dialogue/ratings/mine")))
    assert "Mehr Beispiele" not in tutor_page
