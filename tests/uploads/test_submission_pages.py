# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The submission pages: the panel on the exercise page (form for package holders, the
offer for everyone else), the learner's list, detail, receipt and downloads, the tutors'
mail settings, and who may see what (someone else's ids are 404 on every route)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from markupsafe import Markup
from sqlmodel import select

from kurswerk.core import clock
from kurswerk.core.auth import Role
from tests.course.html_tools import Element, parse
from tests.support.people import make_learner  # noqa: F401 - fixture
from tests.uploads import pdfs
from tests.uploads.submission_fixtures import (  # noqa: F401 - fixtures
    EXERCISE,
    LESSON,
    OTHER_EXERCISE,
    course_loaded,
    exercise_id,
    give_package,
    good_pdf,
    people,
    query_of,
    receipt_path,
    text_of,
    upload_pdf,
    web,
)
from uploads import panels
from uploads.models import Submission, SubmissionStatus, TutorMailPreference


def exercise_url(person, industry: str | None = "media", slug: str = EXERCISE) -> str:
    path = f"/c/{person.context_id}/lessons/{LESSON}/exercises/{slug}"
    return person.url(f"{path}?industry={industry}" if industry else path)


def panel_of(web, person, **kwargs) -> Element | None:
    response = web.get(exercise_url(person, **kwargs))
    assert response.status_code == 200, response.text[:500]
    return next(parse(response.text).find_all("section", id="kw-submission"), None)


def label_for(form: Element, field_id: str) -> Element:
    return next(e for e in form.find_all("label") if e.attrs.get("for") == field_id)


def upload_form(panel: Element) -> Element | None:
    return next(panel.find_all("form", cls="submission-form"), None)


# --- the panel on the exercise page -------------------------------------------------------


def test_a_package_holder_sees_the_upload_form_at_the_end_of_the_exercise(web, db, people):
    response = web.get(exercise_url(people.holder))
    article = parse(response.text).find("article", cls="exercise")
    sections = [e for e in article.children if isinstance(e, Element) and e.tag == "section"]
    assert sections[-1].attrs["id"] == "kw-submission"  # after the task for the industry
    panel = sections[-1]
    text = panel.clean_text
    assert "Ihr Coachingpaket „Coaching Basis“: noch 3 von 3 Feedbacks frei." in text
    promised = clock.add_working_days(clock.local_date(clock.utcnow()), 5)  # no capacity stated
    assert f"Feedback bis {clock.weekday_day_month(promised)}" in text
    assert "Unser Ziel sind 5 Arbeitstage" in text
    form = upload_form(panel)
    assert form is not None
    assert form.attrs["method"] == "post" and form.attrs["enctype"] == "multipart/form-data"
    action = form.attrs["action"]
    assert (
        urlsplit(action).path
        == f"/c/{people.holder.context_id}/exercises/{exercise_id(db)}/submissions"
    )
    query = query_of(action)
    assert query["industry"] == ["media"] and "csrf_token" not in query  # no secret in a URL
    assert len(query["idempotency_key"][0]) >= 16 and query["kt"]
    inputs = [e for e in form.iter() if isinstance(e, Element) and e.tag == "input"]
    assert inputs[0].attrs["name"] == "csrf_token"  # the first field, before the file
    assert inputs[0].attrs["value"] == people.holder.csrf
    file_input = form.find("input", type="file")
    assert file_input.attrs["name"] == "file" and "application/pdf" in file_input.attrs["accept"]
    label = label_for(form, "kw-note")
    assert label.clean_text.startswith("Worauf soll sich das Feedback konzentrieren?")
    assert form.find("textarea").attrs["id"] == "kw-note"
    assert label_for(form, "kw-file").clean_text == "Ihre Lösung als PDF-Datei"


def test_each_render_of_the_form_carries_a_fresh_idempotency_key(web, people):
    keys = {
        query_of(upload_form(panel_of(web, people.holder)).attrs["action"])["idempotency_key"][0]
        for _ in range(2)
    }
    assert len(keys) == 2


def test_the_form_on_the_page_submits_as_it_is(web, db, people):
    form = upload_form(panel_of(web, people.holder))
    action = form.attrs["action"]
    csrf = form.find("input", name="csrf_token").attrs["value"]
    body = (
        b'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + csrf.encode()
        + b"\r\n--B\r\n"
        b'Content-Disposition: form-data; name="file"; filename="l\xc3\xb6sung.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + good_pdf() + b"\r\n--B--\r\n"
    )
    response = web.post(
        action, content=body, headers={"content-type": "multipart/form-data; boundary=B"}
    )
    assert receipt_path(response).endswith("/versions/1")


def test_without_a_chosen_industry_the_holder_is_asked_to_choose_one(web, people):
    panel = panel_of(web, people.holder, industry=None)
    assert "Wählen Sie oben eine Branche" in panel.clean_text
    assert upload_form(panel) is None


def test_after_submitting_the_panel_shows_the_submission_and_offers_a_new_version(web, db, people):
    upload_pdf(web, people.holder, exercise_id(db))
    panel = panel_of(web, people.holder)
    text = panel.clean_text
    assert "Sie haben zu dieser Aufgabe bereits eingereicht (Fassung 1" in text
    assert "Status: eingereicht" in text
    assert "noch 2 von 3 Feedbacks frei" in text
    assert upload_form(panel).find("button").clean_text == "Neue Fassung einreichen"
    # another industry of the same exercise is a new submission
    other = panel_of(web, people.holder, industry="b2b")
    assert upload_form(other).find("button").clean_text == "Lösung einreichen"


def test_a_used_up_package_shows_no_form_for_a_new_submission(web, db, people):
    learner = people.learner()
    give_package(db, learner, quota=1, name="Einmal")
    upload_pdf(web, learner, exercise_id(db))
    panel = panel_of(web, learner, slug=OTHER_EXERCISE)
    assert "Ihr Coachingpaket ist ausgeschöpft" in panel.clean_text
    assert "Feedback auf 1 Einreichung, und die haben Sie genutzt." in panel.clean_text
    assert upload_form(panel) is None
    assert upload_form(panel_of(web, learner)) is not None  # a new version still


def test_a_learner_without_a_package_sees_the_offer_and_no_form(web, db, people):
    plain = people.learner()
    panel = panel_of(web, plain)
    text = panel.clean_text
    assert "Mit einem Coachingpaket können Sie Ihre Lösung als PDF einreichen" in text
    assert "Coaching Basis: Feedback auf 3 Einreichungen, 1 Sprechstunde im Monat" in text
    assert panel.find("strong").clean_text == "Coaching Basis"
    assert "Wenden Sie sich an Ihre Kursleitung" in text
    assert upload_form(panel) is None
    assert next(panel.find_all("input"), None) is None


def test_a_package_description_is_sanitised_markdown(web, db, people):
    from coaching.models import CoachingPackage

    package = db.exec(select(CoachingPackage)).one()
    package.description = "Mit **Feedback**. <script>alert(1)</script>"
    db.add(package)
    db.commit()
    response = web.get(exercise_url(people.learner()))
    assert "<strong>Feedback</strong>" in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_a_tutor_sees_a_pointer_to_the_mail_settings_and_an_admin_nothing(web, people):
    tutor_panel = panel_of(web, people.tutor())
    link = tutor_panel.find("a")
    assert urlsplit(link.attrs["href"]).path.endswith("/submissions/settings")
    assert upload_form(tutor_panel) is None
    admin = people.make(role=Role.ADMIN, context=people.context)
    assert panel_of(web, admin) is None


# --- the learner's pages ---------------------------------------------------------------------


def test_the_receipt_page_says_what_when_which_exercise_and_the_sla(web, db, people):
    response = upload_pdf(
        web, people.holder, exercise_id(db), pdfs.make_pdf(pages=1), filename="Übung März.pdf"
    )
    page = web.get(people.holder.url(receipt_path(response)))
    tree = parse(page.text)
    facts = {
        dt.clean_text: dd.clean_text
        for dt, dd in zip(
            tree.find("dl").find_all("dt"), tree.find("dl").find_all("dd"), strict=True
        )
    }
    assert facts["Übung"] == "Leistungen für die Kundenbeziehung und Social Media"
    assert facts["Branche"] == "Medien"
    assert facts["Datei"].startswith("Übung März.pdf (1 Seite,")
    assert facts["Fassung"] == "1"
    assert facts["Eingegangen am"].endswith("Uhr")
    assert facts["Status"] == "eingereicht"
    promised = clock.add_working_days(clock.local_date(clock.utcnow()), 5)  # no capacity stated
    assert facts["Feedback bis"] == clock.weekday_day_month(promised)
    assert tree.find("h1").clean_text == "Ihre Einreichung ist eingegangen"


def test_a_receipt_for_someone_without_email_says_the_page_is_the_confirmation(web, db, people):
    nomail = people.learner(email=None)
    give_package(db, nomail)
    page = web.get(nomail.url(receipt_path(upload_pdf(web, nomail, exercise_id(db)))))
    assert "Ihr LMS hat uns keine E-Mail-Adresse übermittelt." in text_of(page.text)


def test_the_list_shows_own_submissions_with_their_status_in_words(web, db, people):
    upload_pdf(web, people.holder, exercise_id(db), industry="media")
    upload_pdf(web, people.holder, exercise_id(db, OTHER_EXERCISE), industry="retail")
    reviewed = db.exec(select(Submission).where(Submission.industry == "retail")).one()
    reviewed.status = SubmissionStatus.FEEDBACK_RELEASED.value
    db.add(reviewed)
    db.commit()
    other = people.learner()
    give_package(db, other)
    upload_pdf(web, other, exercise_id(db), industry="b2b")  # not in Lena's list

    page = parse(web.get(people.holder.url(f"/c/{people.holder.context_id}/submissions")).text)
    rows = [
        [cell.clean_text for cell in row.find_all() if cell.tag in ("th", "td")]
        for row in page.find("tbody").find_all("tr")
    ]
    assert [(r[1], r[2], r[4]) for r in rows] == [
        ("Handel (Filialisten)", "1", "Feedback erhalten"),
        ("Medien", "1", "eingereicht"),
    ]
    assert "Was der Status bedeutet" in page.clean_text


def test_the_list_of_someone_who_submitted_nothing_says_so(web, people):
    page = web.get(people.holder.url(f"/c/{people.holder.context_id}/submissions"))
    assert "Sie haben noch keine Lösung eingereicht." in text_of(page.text)


def test_the_detail_page_keeps_every_version_with_its_download(web, db, people):
    ex = exercise_id(db)
    upload_pdf(
        web,
        people.holder,
        ex,
        pdfs.make_pdf(pages=1),
        filename="entwurf.pdf",
        note="Erste Idee <script>alert(1)</script>\nzweite Zeile",
    )
    upload_pdf(web, people.holder, ex, pdfs.make_pdf(pages=4), filename="final.pdf")
    submission = db.exec(select(Submission)).one()
    response = web.get(
        people.holder.url(f"/c/{people.holder.context_id}/submissions/{submission.id}")
    )
    page = parse(response.text)
    versions = list(page.find_all("li", cls="version"))
    assert [v.find("h3").clean_text for v in versions] == ["Fassung 2 (neueste)", "Fassung 1"]
    assert "final.pdf" in versions[0].clean_text and "entwurf.pdf" in versions[1].clean_text
    assert "Erste Idee" in versions[1].clean_text
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;/script&gt;<br>\nzweite Zeile" in response.text  # typed line breaks stay
    links = [v.find("a").attrs["href"] for v in versions]
    assert [urlsplit(h).path.rsplit("/", 2)[-2:] for h in links] == [["2", "file"], ["1", "file"]]
    assert any(
        "industry=media" in a.attrs.get("href", "") and "Neue Fassung" in a.clean_text
        for a in page.find_all("a")
    )


def test_a_download_is_the_learners_own_pdf_as_an_attachment(web, db, people):
    data = pdfs.make_pdf(pages=2)
    upload_pdf(web, people.holder, exercise_id(db), data, filename='Übung "3".pdf')
    submission = db.exec(select(Submission)).one()
    response = web.get(
        people.holder.url(
            f"/c/{people.holder.context_id}/submissions/{submission.id}/versions/1/file"
        )
    )
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Ubung _3_.pdf"')
    assert "filename*=UTF-8''%C3%9Cbung%20%223%22.pdf" in disposition
    assert "sandbox" in response.headers["content-security-policy"]


# --- the slot for released feedback -------------------------------------------------------


def feedback_stand_in(request, session, principal, view) -> Markup | None:
    return Markup('<section id="kw-feedback-test">Feedback zu {}</section>').format(view.id)


@pytest.fixture
def feedback_panel(fill_slot) -> None:
    fill_slot(panels.SUBMISSION_PANELS, (feedback_stand_in,))


def detail_html(web, db, person) -> str:
    submission = db.exec(select(Submission)).one()
    response = web.get(person.url(f"/c/{person.context_id}/submissions/{submission.id}"))
    assert response.status_code == 200
    return response.text


def test_the_feedback_slot_shows_nothing_until_something_registers(web, db, people):
    upload_pdf(web, people.holder, exercise_id(db))
    assert "kw-feedback-test" not in detail_html(web, db, people.holder)


def test_a_registered_submission_panel_shows_on_the_detail_page(web, db, people, feedback_panel):
    upload_pdf(web, people.holder, exercise_id(db))
    submission = db.exec(select(Submission)).one()
    assert f"Feedback zu {submission.id}" in detail_html(web, db, people.holder)


# --- someone else's ids ----------------------------------------------------------------------


def learner_routes(context_id: int, submission_id: int) -> list[str]:
    base = f"/c/{context_id}/submissions/{submission_id}"
    return [base, f"{base}/versions/1", f"{base}/versions/1/file"]


def test_someone_elses_submission_is_not_found_on_every_learner_route(web, db, people):
    upload_pdf(web, people.holder, exercise_id(db))
    submission = db.exec(select(Submission)).one()
    intruders = [people.learner(), people.tutor()]
    other = people.learner()
    give_package(db, other)
    intruders.append(other)
    for intruder in intruders:
        for path in learner_routes(intruder.context_id, submission.id):
            response = web.get(intruder.url(path))
            assert response.status_code == 404, (intruder.principal.role, path)
            assert "Diese Einreichung gibt es nicht." in text_of(response.text)


def test_a_tutor_of_another_course_cannot_see_the_submission(web, db, people, make_learner):
    upload_pdf(web, people.holder, exercise_id(db))
    submission = db.exec(select(Submission)).one()
    outsider = make_learner(role=Role.TUTOR)  # another platform and LMS course
    for path in learner_routes(outsider.context_id, submission.id):
        assert web.get(outsider.url(path)).status_code == 404
    for path in learner_routes(people.holder.context_id, submission.id):
        response = web.get(outsider.url(path))
        assert response.status_code == 403  # the session is for another course
        assert "Lena" not in response.text and "Strategie.pdf" not in response.text


def test_a_version_that_does_not_exist_is_not_found(web, db, people):
    upload_pdf(web, people.holder, exercise_id(db))
    submission = db.exec(select(Submission)).one()
    base = f"/c/{people.holder.context_id}/submissions/{submission.id}/versions/2"
    assert web.get(people.holder.url(base)).status_code == 404
    assert web.get(people.holder.url(base + "/file")).status_code == 404


# --- the tutors' mail settings -------------------------------------------------------------


def settings_url(person) -> str:
    return person.url(f"/c/{person.context_id}/submissions/settings")


def test_a_tutor_chooses_the_daily_digest_and_back(web, db, people):
    tutor = people.tutor()
    page = parse(web.get(settings_url(tutor)).text)
    assert "checked" in page.find("input", id="kw-mode-each").attrs
    assert "checked" not in page.find("input", id="kw-mode-daily").attrs
    assert "ab 18 Uhr" in page.clean_text
    response = web.post(settings_url(tutor), data={"mode": "daily", "csrf_token": tutor.csrf})
    assert response.status_code == 303
    saved = web.get(tutor.url(response.headers["location"]))
    assert "Ihre Einstellung ist gespeichert." in text_of(saved.text)
    assert "checked" in parse(saved.text).find("input", id="kw-mode-daily").attrs
    preference = db.exec(select(TutorMailPreference)).one()
    assert preference.mode == "daily" and preference.last_digest_at is not None
    web.post(settings_url(tutor), data={"mode": "each", "csrf_token": tutor.csrf})
    db.expire_all()
    assert db.exec(select(TutorMailPreference)).one().mode == "each"


def test_the_settings_refuse_a_missing_csrf_token_and_an_unknown_mode(web, db, people):
    tutor = people.tutor()
    assert web.post(settings_url(tutor), data={"mode": "daily"}).status_code == 403
    bad = web.post(settings_url(tutor), data={"mode": "hourly", "csrf_token": tutor.csrf})
    assert bad.status_code == 400
    assert "Bitte wählen Sie eine der angebotenen Möglichkeiten." in text_of(bad.text)
    assert db.exec(select(TutorMailPreference)).all() == []


@pytest.mark.parametrize("role", [Role.LEARNER, Role.ADMIN])
def test_the_mail_settings_are_for_tutors_only(web, db, people, role):
    person = people.make(role=role, context=people.context)
    assert web.get(settings_url(person)).status_code == 403
    response = web.post(settings_url(person), data={"mode": "daily", "csrf_token": person.csrf})
    assert response.status_code == 403
    assert db.exec(select(TutorMailPreference)).all() == []
