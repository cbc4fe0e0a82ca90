# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The upload at the end of the lesson page (issue #12 §3): package holders get the
submission form there (exercise, industry, note, PDF), everyone else the offer, tutors and
admins a note and the way to the queue; an upload from it runs the exercise page's intake,
checks, quota and receipt, and a refusal shows the form again with nothing the learner
chose or wrote lost."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import event
from sqlmodel import select

from feedback.promises.models import TutorCapacity
from kurswerk.core import clock
from kurswerk.core.auth import Role
from kurswerk.core.outbox.queue import OutboxMessage
from tests.course.html_tools import Element, parse
from tests.support.people import Learner, make_learner  # noqa: F401 - fixture
from tests.uploads import pdfs
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    BOUNDARY,
    EXERCISE,
    LESSON,
    NOTHING,
    OTHER_EXERCISE,
    course_loaded,
    csrf_part,
    exercise_id,
    file_part,
    follow,
    give_package,
    good_pdf,
    multipart,
    new_key,
    part,
    people,
    query_of,
    receipt_path,
    storage_root,
    stored,
    text_of,
    upload_pdf,
    web,
)
from uploads import promised
from uploads.models import Submission, SubmissionVersion

NOTE = "Bitte vor allem auf die Zielgruppe achten."


def lesson_path(person: Learner) -> str:
    return f"/c/{person.context_id}/lessons/{LESSON}"


def lesson_page(web, person: Learner) -> Element:
    response = web.get(person.url(lesson_path(person)))
    assert response.status_code == 200, response.text[:500]
    return parse(response.text)


def end_of(page: Element) -> Element | None:
    return next(page.find_all("section", id="kw-upload"), None)


def form_of(panel: Element) -> Element | None:
    return next(panel.find_all("form", cls="submission-form"), None)


def options(select: Element) -> list[tuple[str, str, bool]]:
    return [
        (o.attrs.get("value") or "", o.clean_text, "selected" in o.attrs)
        for o in select.find_all("option")
    ]


def post_form(
    web,
    person: Learner,
    *,
    exercise: str = EXERCISE,
    industry: str = "media",
    note: str | None = NOTE,
    data: bytes | None = None,
    key: str | None = None,
    csrf: str | None = None,
) -> httpx.Response:
    """POST as a browser sends the lesson's form: token, exercise, industry, note, file."""
    parts = [
        csrf_part(person.csrf if csrf is None else csrf),
        part("exercise", exercise.encode()),
        part("industry", industry.encode()),
    ]
    if note is not None:
        parts.append(part("note", note.encode()))
    parts.append(file_part(good_pdf() if data is None else data))
    query = urlencode({"idempotency_key": new_key() if key is None else key})
    url = person.url(f"{lesson_path(person)}/submissions?{query}")
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    return web.post(url, content=multipart(*parts), headers=headers)


def shown_again(response: httpx.Response, status: int) -> Element:
    """The refused upload's page: the form again, with an error summary."""
    assert response.status_code == status, (response.status_code, response.text[:800])
    page = parse(response.text)
    assert page.find("div", cls="error-summary").attrs["role"] == "alert"
    return page


def kept(page: Element) -> tuple[str, str, str]:
    """(exercise, industry, note) as the form shows them again."""
    form = page.find("form", cls="submission-form")
    chosen = [
        next((v for v, _t, selected in options(form.find("select", name=name)) if selected), "")
        for name in ("exercise", "industry")
    ]
    return chosen[0], chosen[1], form.find("textarea", name="note").text


# --- the end of the lesson page -------------------------------------------------------------


def test_a_package_holder_finds_the_form_as_the_last_section_of_the_lesson(web, db, people):
    page = lesson_page(web, people.holder)
    article = page.find("article", cls="lesson")
    sections = [e for e in article.children if isinstance(e, Element) and e.tag == "section"]
    assert sections[-1].attrs["id"] == "kw-upload"  # after "Fortschritt"
    assert sections[-2].attrs["id"] == "kw-progress"
    panel = sections[-1]
    assert panel.find("h2").clean_text == "Übung einreichen"
    assert panel.attrs["aria-labelledby"] == panel.find("h2").attrs["id"]
    assert "Ihr Coachingpaket „Coaching Basis“: noch 3 von 3 Feedbacks frei." in panel.clean_text
    promised = clock.add_working_days(clock.local_date(clock.utcnow()), 5)  # no capacity stated
    assert f"Feedback bis {clock.weekday_day_month(promised)}" in panel.clean_text
    form = form_of(panel)
    assert form.attrs["method"] == "post" and form.attrs["enctype"] == "multipart/form-data"
    action = form.attrs["action"]
    assert urlsplit(action).path == f"{lesson_path(people.holder)}/submissions"
    query = query_of(action)
    assert len(query["idempotency_key"][0]) >= 16 and query["kt"]
    assert "csrf_token" not in query  # no secret in a URL
    # the fields in the order the server reads them: the file last
    names = [
        e.attrs.get("name")
        for e in form.iter()
        if isinstance(e, Element) and e.tag in ("input", "select", "textarea")
    ]
    assert names == ["csrf_token", "exercise", "industry", "note", "file"]
    assert form.find("input", name="csrf_token").attrs["value"] == people.holder.csrf
    assert options(form.find("select", name="exercise")) == [
        ("", "Bitte wählen", False),
        (EXERCISE, "Leistungen für die Kundenbeziehung und Social Media", False),
        (OTHER_EXERCISE, "Art der Kundenbeziehung und Leistungspotenzial von Social Media", False),
    ]
    industries = options(form.find("select", name="industry"))
    assert [(v, t) for v, t, _ in industries] == [
        ("", "Bitte wählen"),
        ("media", "Medien"),
        ("fmcg", "FMCG (Markenunternehmen)"),
        ("retail", "Handel (Filialisten)"),
        ("b2b", "B2B"),
    ]
    for field_id, label in [
        ("kw-exercise", "Übung"),
        ("kw-industry", "Branche"),
        ("kw-file", "Ihre Lösung als PDF-Datei"),
    ]:
        assert any(
            lab.attrs.get("for") == field_id and lab.clean_text == label
            for lab in form.find_all("label")
        ), field_id
    assert form.find("input", type="file").attrs["accept"] == "application/pdf,.pdf"
    assert form.find("button").clean_text == "Lösung einreichen"


def test_in_english_the_end_of_the_lesson_is_english_and_names_industries_in_english(
    web, db, people
):
    reader = people.learner(locale="en")
    give_package(db, reader)
    panel = end_of(lesson_page(web, reader))
    assert panel.find("h2").clean_text == "Hand in an exercise"
    form = form_of(panel)
    assert [t for _, t, _ in options(form.find("select", name="industry"))][1:] == [
        "Media",
        "FMCG (brand manufacturers)",
        "Retail (chain stores)",
        "B2B",
    ]
    assert form.find("button").clean_text == "Submit solution"
    exercise = form.find("select", name="exercise").find_all("option")
    assert [o.attrs.get("lang") for o in exercise][1:] == ["de", "de"]  # the course's titles


def test_a_lesson_with_one_exercise_has_it_chosen_already(web, db, make_learner, tmp_path):
    from course.content import load as content
    from tests.course.conftest import SECOND, second_course
    from uploads.lesson_end import lesson_form

    content.load(db, second_course(tmp_path))
    db.commit()
    from course import service as course_service

    person = make_learner()
    course_service.bind_named_course(db, person.context_id, SECOND)
    db.commit()
    view = course_service.lesson_view(db, person.principal, "im-sturm")
    form = lesson_form(view, "de")
    assert form.exercises == (("erste-stunde", "Die erste Stunde"),)
    assert form.exercise == "erste-stunde"
    assert form.industries == (("gesundheit", "Gesundheitswesen"), ("media", "Verlage"))


def test_a_lesson_without_exercises_ends_without_the_upload(web, db, make_learner, tmp_path):
    from course.content import load as content
    from tests.course.conftest import mini_course

    content.load(db, mini_course(tmp_path, "## Teil\n\nNur Text, keine Übung.\n"))
    db.commit()
    person = make_learner()
    give_package(db, person)
    response = web.get(person.url(f"/c/{person.context_id}/lessons/eins"))
    assert response.status_code == 200
    assert end_of(parse(response.text)) is None
    tutor = make_learner(role=Role.TUTOR)
    assert end_of(parse(web.get(tutor.url(f"/c/{tutor.context_id}/lessons/eins")).text)) is None


def test_a_learner_without_a_package_sees_the_offer_and_no_form(web, db, people):
    panel = end_of(lesson_page(web, people.learner()))
    text = panel.clean_text
    assert panel.find("h2").clean_text == "Übung einreichen"
    assert "Mit einem Coachingpaket können Sie Ihre Lösung als PDF einreichen" in text
    assert "Coaching Basis: Feedback auf 3 Einreichungen, 1 Sprechstunde im Monat" in text
    assert "Wenden Sie sich an Ihre Kursleitung" in text
    assert form_of(panel) is None and next(panel.find_all("input"), None) is None


def test_an_expired_or_revoked_grant_shows_the_offer(web, db, people):
    from coaching.models import CoachingGrant
    from kurswerk.core.clock import utcnow

    late = people.learner()
    give_package(db, late, name="Abgelaufen", valid_until=date(2020, 1, 31))
    assert form_of(end_of(lesson_page(web, late))) is None
    revoked = people.learner()
    give_package(db, revoked)
    grant = db.exec(
        select(CoachingGrant).where(CoachingGrant.user_id == revoked.principal.user_id)
    ).one()
    grant.revoked_at = utcnow()
    db.add(grant)
    db.commit()
    assert form_of(end_of(lesson_page(web, revoked))) is None


def test_a_grant_by_email_before_the_first_launch_shows_the_form(web, db, people):
    from coaching.models import CoachingGrant, CoachingPackage

    newcomer = people.learner(email="Neu@Example.org")
    package = db.exec(select(CoachingPackage)).one()
    db.add(
        CoachingGrant(
            package_id=package.id, context_id=newcomer.context_id, email="neu@example.org"
        )
    )
    db.commit()
    assert form_of(end_of(lesson_page(web, newcomer))) is not None


def test_a_used_up_package_says_so_and_still_takes_new_versions(web, db, people):
    learner = people.learner()
    give_package(db, learner, quota=1, name="Einmal")
    assert post_form(web, learner).status_code == 303
    panel = end_of(lesson_page(web, learner))
    assert "Ihr Coachingpaket ist ausgeschöpft" in panel.clean_text
    assert form_of(panel) is not None  # a new version of that submission is free


def test_tutors_and_admins_see_where_learners_hand_in_and_the_queue_not_a_form(web, people):
    tutor_panel = end_of(lesson_page(web, people.tutor()))
    assert tutor_panel.find("h2").clean_text == "Übung einreichen"
    assert "Hier reichen Teilnehmende mit Coachingpaket ihre Lösung" in tutor_panel.clean_text
    assert form_of(tutor_panel) is None
    paths = [urlsplit(a.attrs["href"]).path for a in tutor_panel.find_all("a")]
    context = people.holder.context_id
    assert paths == [f"/c/{context}/queue", f"/c/{context}/submissions/settings"]
    admin = people.make(role=Role.ADMIN, context=people.context)
    admin_panel = end_of(lesson_page(web, admin))
    assert form_of(admin_panel) is None
    assert [urlsplit(a.attrs["href"]).path for a in admin_panel.find_all("a")] == paths[:1]
    for person in (people.tutor(), admin):
        assert web.get(person.url(paths[0])).status_code == 200


def test_the_warm_lesson_page_reads_with_two_queries_for_the_panel(web, db, people, app):
    """The hot path: besides the session's check, the lesson's probe and the panel's one
    statement for the learner's coaching, with the promised feedback date's inputs in it
    (the queue's length and the tutors' capacity, feedback's tables: ``uploads.promised``)."""
    lesson_page(web, people.holder)  # the lesson cached, the LMS course bound
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = app.state.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        panel = end_of(lesson_page(web, people.holder))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert form_of(panel) is not None
    page_reads = [s for s in statements if "revoked_session" not in s]  # the session's check
    assert len(page_reads) == 2, page_reads
    assert "lesson_progress" in page_reads[0] and "coaching_package" in page_reads[1]
    assert "tutor_capacity" in page_reads[1]


def test_the_panels_promised_date_is_the_desks_quote_with_a_queue(web, db, people):
    """The date read in the panel's one query is the one the promise desk quotes: with
    submissions waiting and a tutor's weekly capacity stated, it lies later than the
    target alone."""
    holder = people.holder
    for exercise in (EXERCISE, OTHER_EXERCISE):
        assert post_form(web, holder, exercise=exercise).status_code == 303
    tutor = people.tutor()
    db.add(TutorCapacity(user_id=tutor.principal.user_id, context_id=holder.context_id, per_week=1))
    db.commit()
    now = clock.utcnow()
    quoted = promised.quote(db.connection(), holder.context_id, 5, now)
    assert quoted > clock.add_working_days(clock.local_date(now), 5)  # the queue counts

    panel = end_of(lesson_page(web, holder))
    assert f"Feedback bis {clock.weekday_day_month(quoted)}" in panel.clean_text


# --- uploading from the end of the lesson ---------------------------------------------------


def test_the_form_on_the_lesson_page_submits_as_it_is_and_leads_to_the_receipt(
    web, db, people, settings
):
    form = form_of(end_of(lesson_page(web, people.holder)))
    body = multipart(
        part("csrf_token", form.find("input", name="csrf_token").attrs["value"].encode()),
        part("exercise", OTHER_EXERCISE.encode()),
        part("industry", b"b2b"),
        part("note", NOTE.encode()),
        file_part(good_pdf(pages=3), "Lösung.pdf"),
    )
    response = web.post(
        form.attrs["action"],
        content=body,
        headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    submission = db.exec(select(Submission)).one()
    assert receipt_path(response) == (
        f"/c/{people.holder.context_id}/submissions/{submission.id}/versions/1"
    )
    assert (submission.exercise_id, submission.industry) == (exercise_id(db, OTHER_EXERCISE), "b2b")
    version = db.exec(select(SubmissionVersion)).one()
    assert (version.note, version.pages, version.display_name) == (NOTE, 3, "Lösung.pdf")
    kinds = sorted(m.kind for m in db.exec(select(OutboxMessage)).all())
    assert kinds == sorted(
        m.kind for m in _outbox_of_an_exercise_page_upload(web, db, people)
    )  # the same receipt mail, tutor notices and gradebook call as the exercise page's
    receipt = text_of(follow(web, people.holder, response).text)
    assert "Art der Kundenbeziehung und Leistungspotenzial von Social Media" in receipt
    assert "B2B" in receipt and "Lösung.pdf" in receipt


def _outbox_of_an_exercise_page_upload(web, db, people) -> list[OutboxMessage]:
    other = people.learner(email="vergleich@example.org")
    give_package(db, other)
    before = {m.id for m in db.exec(select(OutboxMessage)).all()}
    assert upload_pdf(web, other, exercise_id(db)).status_code == 303
    db.expire_all()
    return [m for m in db.exec(select(OutboxMessage)).all() if m.id not in before]


def test_a_second_upload_of_the_same_choice_is_a_new_version(web, db, people):
    assert post_form(web, people.holder).status_code == 303
    assert post_form(web, people.holder, note="Zweite Fassung").status_code == 303
    assert [v.number for v in db.exec(select(SubmissionVersion)).all()] == [1, 2]
    assert len(db.exec(select(Submission)).all()) == 1


def test_the_same_form_sent_twice_is_one_version(web, db, people):
    key = new_key()
    first = post_form(web, people.holder, key=key)
    second = post_form(web, people.holder, key=key)
    assert receipt_path(first) == receipt_path(second)
    assert len(db.exec(select(SubmissionVersion)).all()) == 1


def test_a_file_that_is_not_a_pdf_shows_the_form_again_keeping_choice_and_note(
    web, db, people, settings
):
    response = post_form(
        web, people.holder, exercise=OTHER_EXERCISE, industry="retail", data=b"PK\x03\x04 docx"
    )
    page = shown_again(response, 422)
    assert "Die Datei ist kein gültiges PDF." in page.find("div", cls="error-summary").clean_text
    assert page.find("div", cls="error-summary").find("a").attrs["href"] == "#kw-file"
    assert page.find("input", type="file").attrs["aria-invalid"] == "true"
    assert kept(page) == (OTHER_EXERCISE, "retail", NOTE)
    assert page.find("h1").clean_text == "Übung einreichen"
    assert stored(db, storage_root(settings)) == NOTHING


def test_in_english_a_refused_file_shows_the_form_again_in_english(web, db, people, settings):
    reader = people.learner(locale="en")
    give_package(db, reader)
    page = shown_again(post_form(web, reader, data=b"%!PS-Adobe-3.0 not a pdf"), 422)
    assert page.find("html").attrs["lang"] == "en"
    assert page.find("h1").clean_text == "Hand in an exercise"
    summary = page.find("div", cls="error-summary").clean_text
    assert "The file is not a valid PDF." in summary
    assert kept(page) == (EXERCISE, "media", NOTE)
    assert stored(db, storage_root(settings)) == NOTHING


class TestTheSizeLimit:
    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"max_upload_mb": 1})

    def test_a_file_over_the_limit_shows_the_form_again_keeping_the_note(
        self, web, db, people, settings
    ):
        big = pdfs.make_pdf() + b"\n" * (1024 * 1024)
        page = shown_again(post_form(web, people.holder, data=big), 413)
        assert "Die Datei ist größer als 1 MB." in page.find("div", cls="error-summary").clean_text
        assert kept(page) == (EXERCISE, "media", NOTE)
        assert stored(db, storage_root(settings)) == NOTHING


def test_a_used_up_package_refuses_a_new_submission_keeping_the_note(web, db, people, settings):
    learner = people.learner()
    give_package(db, learner, quota=1, name="Einmal")
    assert post_form(web, learner).status_code == 303
    response = post_form(web, learner, industry="b2b", note="Meine zweite Übung")
    page = shown_again(response, 403)
    summary = page.find("div", cls="error-summary")
    assert "Ihr Coachingpaket ist ausgeschöpft" in summary.clean_text
    assert summary.find("a").attrs["href"] == "#kw-exercise"
    assert kept(page) == (EXERCISE, "b2b", "Meine zweite Übung")
    assert len(db.exec(select(SubmissionVersion)).all()) == 1
    assert post_form(web, learner).status_code == 303  # the same choice: a new version


@pytest.mark.parametrize(
    ("exercise", "industry", "field"),
    [
        ("", "media", "exercise"),
        ("gibt-es-nicht", "media", "exercise"),
        (EXERCISE, "", "industry"),
        (EXERCISE, "maschinenbau", "industry"),
    ],
)
def test_a_choice_the_lesson_does_not_offer_shows_the_form_again(
    web, db, people, settings, exercise, industry, field
):
    page = shown_again(post_form(web, people.holder, exercise=exercise, industry=industry), 400)
    assert page.find("div", cls="error-summary").find("a").attrs["href"] == f"#kw-{field}"
    assert page.find("select", name=field).attrs["aria-invalid"] == "true"
    assert kept(page)[2] == NOTE
    assert stored(db, storage_root(settings)) == NOTHING


def test_an_exercise_of_another_course_is_not_a_choice(web, db, people, settings):
    from tests.uploads.submission_fixtures import foreign_exercise

    foreign_exercise(db)
    page = shown_again(post_form(web, people.holder, exercise="fremde-uebung"), 400)
    assert "Bitte wählen Sie eine der Übungen dieser Lektion." in page.clean_text
    assert stored(db, storage_root(settings)) == NOTHING


def test_a_learner_without_a_package_is_refused_and_nothing_is_stored(web, db, people, settings):
    response = post_form(web, people.learner())
    assert response.status_code == 403
    assert "Einreichen können nur Teilnehmende mit einem" in text_of(response.text)
    assert stored(db, storage_root(settings)) == NOTHING


@pytest.mark.parametrize("token", ["", "falsch"])
def test_a_missing_or_wrong_csrf_token_is_refused_and_nothing_is_stored(
    web, db, people, settings, token
):
    response = post_form(web, people.holder, csrf=token)
    assert response.status_code == 403
    assert "Das Formular ist abgelaufen" in text_of(response.text)
    assert stored(db, storage_root(settings)) == NOTHING


def test_a_form_without_its_key_is_refused_before_the_body(web, db, people, settings):
    response = post_form(web, people.holder, key="kurz")
    assert response.status_code == 400
    assert response.headers["connection"] == "close"
    assert stored(db, storage_root(settings)) == NOTHING


def test_an_unknown_lesson_is_404_and_nothing_is_stored(web, db, people, settings):
    person = people.holder
    query = urlencode({"idempotency_key": new_key()})
    body = multipart(
        csrf_part(person.csrf), part("exercise", EXERCISE.encode()), part("industry", b"media"),
        file_part(good_pdf()),
    )  # fmt: skip
    response = web.post(
        person.url(f"/c/{person.context_id}/lessons/gibt-es-nicht/submissions?{query}"),
        content=body,
        headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert response.status_code == 404
    assert stored(db, storage_root(settings)) == NOTHING


def test_another_lms_courses_learner_cannot_post_here(web, db, people, make_learner, settings):
    stranger = make_learner()
    give_package(db, stranger)
    query = urlencode({"idempotency_key": new_key()})
    url = stranger.url(f"/c/{people.holder.context_id}/lessons/{LESSON}/submissions?{query}")
    body = multipart(
        csrf_part(stranger.csrf), part("exercise", EXERCISE.encode()), file_part(good_pdf())
    )
    response = web.post(
        url, content=body, headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    )
    assert response.status_code == 403
    assert stored(db, storage_root(settings)) == NOTHING


# --- the panel's one query follows coaching's rule ------------------------------------------


def _grant(db, person: Learner, package, **values) -> None:
    from coaching.models import CoachingGrant

    db.add(CoachingGrant(package_id=package.id, context_id=person.context_id, **values))
    db.commit()


def _package(db, person: Learner, name: str, **values):
    from coaching.models import CoachingPackage

    package = CoachingPackage(platform_id=person.principal.platform_id, name=name, **values)
    db.add(package)
    db.commit()
    return package


GRANTS = {
    "none": [],
    "valid": [({"feedback_quota": 3}, {})],
    "used up": [({"feedback_quota": 1}, {})],
    "revoked": [({"feedback_quota": 3}, {"revoked_at": "now"})],
    "grant ended": [({"feedback_quota": 3}, {"valid_until": date(2020, 1, 31)})],
    "grant not begun": [({"feedback_quota": 3}, {"valid_from": date(2999, 1, 1)})],
    "package ended": [({"feedback_quota": 3, "valid_until": date(2020, 1, 31)}, {})],
    "package archived": [({"feedback_quota": 3, "archived_at": "now"}, {})],
    "unlimited wins": [({"feedback_quota": 1}, {}), ({"feedback_quota": None}, {})],
    "largest quota wins": [({"feedback_quota": 5}, {}), ({"feedback_quota": 2}, {})],
    "by email": [({"feedback_quota": 3}, {"by_email": True})],
}


@pytest.mark.parametrize("case", list(GRANTS))
def test_the_panels_query_agrees_with_coachings_rule(db, people, case):
    from coaching.service import coaching_status
    from kurswerk.core.clock import utcnow
    from uploads.lesson_end import lesson_end_state

    person = people.learner(email=f"{case.replace(' ', '-')}@example.org")
    now = utcnow()
    for number, (package_values, grant_values) in enumerate(GRANTS[case]):
        package_values = {k: now if v == "now" else v for k, v in package_values.items()}
        package = _package(db, person, f"{case} {number}", **package_values)
        grant_values = {k: now if v == "now" else v for k, v in grant_values.items()}
        if grant_values.pop("by_email", False):
            grant_values["email"] = f"{case.replace(' ', '-')}@example.org"
        else:
            grant_values["user_id"] = person.principal.user_id
        _grant(db, person, package, **grant_values)
    db.add(Submission(context_id=person.context_id, user_id=person.principal.user_id,
                      exercise_id=exercise_id(db), industry="media"))  # fmt: skip
    db.commit()
    today = now.date()
    state = lesson_end_state(db.connection(), person.principal, today)  # reads, binds nothing
    rule = coaching_status(
        db, user_id=person.principal.user_id, context_id=person.context_id, today=today
    )
    assert (state.active, state.package and state.package.name, state.feedback_remaining) == (
        rule.active,
        rule.package and rule.package.name,
        rule.feedback_remaining,
    )
    assert state.may_submit_new() == rule.may_submit_new()
    if not rule.active:  # the offer: the platform's packages today, as the exercise page's
        from uploads.panels import packages_on_offer

        offered = packages_on_offer(db, person.principal.platform_id, today)
        assert [p.name for p in state.offers] == [p.name for p in offered]
