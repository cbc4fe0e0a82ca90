# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""Every email in every language: one template set per email (subject, text and HTML) whose
texts all go through the catalogs, so that German, English and a language added as a
catalog (the pseudo-locale) each render from the same values, speak only their own
language and say which one it is."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest
from markupsafe import Markup

from kurswerk.core import clock, mail
from kurswerk.core.i18n import locales
from kurswerk.core.settings import get_settings
from tests.support.pseudo_locale import pseudo_catalogs, unwrapped_text  # noqa: F401

WHEN = datetime(2026, 11, 22, 13, 5, tzinfo=UTC)  # 14:05 in Berlin
URL = "https://kurswerk.test/c/1"

# Values in neither language (names, titles, texts a person wrote), so that any German
# or English word in a rendered mail comes from the template.
PERSON = {"recipient_name": "Anna Example"}
FORUM = {**PERSON, "course_title": "Strategy 101", "lesson_title": "Basics"}
SUBMISSION = {
    "learner_name": "Anna Example",
    "course_title": "Strategy 101",
    "exercise_title": "Target group",
    "industry": "Media",
    "file_name": "plan.pdf",
    "version": 1,
    "submitted_at": WHEN,
    "feedback_target_days": 5,
}
TUTOR_LINKS = {"queue_url": f"{URL}/queue", "settings_url": f"{URL}/submissions/settings"}
POST = {"author": "Ben Example", "excerpt": "Looks fine.", "created_at": WHEN, "url": URL}
OFFICE_HOUR = {
    "recipient_name": "Anna Example",
    "course_title": "Strategy 101",
    "learner_name": "Anna Example",
    "tutor_name": "Tom Example",
    "when": "2027-10-25 10:00–10:30",
    "when_short": "2027-10-25 10:00",
    "zone": "CEST (Europe/Berlin)",
    "form": "Video",
    "details": "https://meet.example.org/42",
    "topic": "Personas",
    "file_name": "plan.pdf",
    "hour_back": True,
    "free_cancel_hours": 24,
    "free_cancel_until": "2027-10-24 10:00",
    "page_url": f"{URL}/office-hours",
}
OFFICE_HOUR_VARIANTS = [
    {"recipient_name": "", "tutor_name": "", "details": "", "topic": "", "file_name": None},
    {"hour_back": False, "details": "Room 3.14"},
    {"hour_back": False, "free_cancel_hours": 1},
]

# Each message with the values its callers pass, in variants that reach every branch.
CONTEXTS: dict[str, list[dict[str, object]]] = {
    "coaching_granted": [
        {
            "learner_name": "Anna Example",
            "course_title": "Strategy 101",
            "package_name": "Coaching Basic",
            "feedback_quota": 3,
            "valid_until": "06.12.2027",
        },
        {"learner_name": "", "feedback_quota": None, "valid_until": ""},
    ],
    "feedback_released": [
        {
            "learner_name": "Anna Example",
            "course_title": "Strategy 101",
            "exercise_title": "Target group",
            "industry": "Media",
            "tutor_name": "Dr. Example",
            "released_at": WHEN,
            "feedback_text": "Well done.",
            "feedback_html": Markup("<p>Well done.</p>"),
            "attachment_name": None,
            "attachment_url": None,
            "feedback_url": f"{URL}/feedback/7",
        },
        {"learner_name": "", "tutor_name": "", "industry": "", "attachment_name": "notes.pdf"},
        {"attachment_name": "notes.pdf", "attachment_url": f"{URL}/feedback/7/attachment"},
        {"attachment_name": None, "attachment_url": f"{URL}/feedback/7/attachment"},
    ],
    "forum_digest": [
        {
            **PERSON,
            "course_title": "Strategy 101",
            "post_count": 2,
            "threads": [{"title": "Personas?", "url": URL, "posts": [POST, POST]}],
            "settings_url": f"{URL}/forum/notifications",
        },
        {"recipient_name": "", "post_count": 1},
    ],
    "forum_post": [
        {
            **FORUM,
            "thread_title": "Personas?",
            "is_question": True,
            "author": "Ben Example",
            "post_text": "Looks fine.",
            "post_html": Markup("<p>Looks fine.</p>"),
            "thread_url": URL,
            "settings_url": f"{URL}/forum/notifications",
        },
        {"recipient_name": "", "is_question": False},
    ],
    "forum_report": [
        {
            **FORUM,
            "thread_title": "Personas?",
            "post_excerpt": "Looks fine.",
            "reason": "Spam",
            "reports_url": f"{URL}/forum/reports",
            "thread_url": URL,
        },
        {"recipient_name": "", "reason": ""},
    ],
    "forum_unanswered": [
        {
            **PERSON,
            "course_title": "Strategy 101",
            "hours": 24,
            "threads": [
                {"title": "Personas?", "lesson_title": "Basics", "created_at": WHEN, "url": URL}
            ]
            * 2,
        },
        {
            "recipient_name": "",
            "threads": [
                {"title": "Personas?", "lesson_title": "Basics", "created_at": WHEN, "url": URL}
            ],
        },
    ],
    "new_submission": [
        {**SUBMISSION, "tutor_name": "Tom Example", "pages": 3, "note": "Target group?"}
        | TUTOR_LINKS,
        {"tutor_name": "", "industry": "", "pages": 1, "version": 2, "note": None},
    ],
    "question_answered": [
        {
            **FORUM,
            "subject": "Personas?",
            "tutor_name": "Dr. Example",
            "answer_text": "Yes.",
            "answer_html": Markup("<p>Yes.</p>"),
            "question_url": f"{URL}/questions/3",
        },
        {"recipient_name": "", "tutor_name": ""},
    ],
    "question_asked": [
        {
            **FORUM,
            "asker_name": "Ben Example",
            "subject": "Personas?",
            "question_text": "Which one?",
            "question_html": Markup("<p>Which one?</p>"),
            "question_url": f"{URL}/questions/3",
        },
        {"recipient_name": "", "asker_name": ""},
    ],
    "followup_question": [
        {
            **{k: SUBMISSION[k] for k in ("learner_name", "course_title", "exercise_title")},
            "tutor_name": "Tom Example",
            "industry": "Media",
            "version": 1,
            "released_at": WHEN,
            "to_author": True,
            "author_name": "Ben Example",
            "asked_at": WHEN,
            "answer_due_on": WHEN.date(),
            "question_text": "Which one?",
            "question_html": Markup("<p>Which one?</p>"),
            "review_url": f"{URL}/review/3",
        },
        {"tutor_name": "", "industry": "", "to_author": False},
    ],
    "followup_answered": [
        {
            **{k: SUBMISSION[k] for k in ("learner_name", "course_title", "exercise_title")},
            "version": 2,
            "tutor_name": "Tom Example",
            "answered_at": WHEN,
            "question_text": "Which one?",
            "question_html": Markup("<p>Which one?</p>"),
            "answer_text": "The first.",
            "answer_html": Markup("<p>The first.</p>"),
            "feedback_url": f"{URL}/feedback/3",
        },
        {"learner_name": "", "tutor_name": ""},
    ],
    "office_hour_booked_to_learner": [OFFICE_HOUR, *OFFICE_HOUR_VARIANTS],
    "office_hour_booked_to_tutor": [OFFICE_HOUR, *OFFICE_HOUR_VARIANTS],
    "office_hour_moved_to_learner": [OFFICE_HOUR, *OFFICE_HOUR_VARIANTS],
    "office_hour_moved_to_tutor": [OFFICE_HOUR, *OFFICE_HOUR_VARIANTS],
    "office_hour_learner_cancelled_to_learner": [OFFICE_HOUR, *OFFICE_HOUR_VARIANTS],
    "office_hour_learner_cancelled_to_tutor": [OFFICE_HOUR, *OFFICE_HOUR_VARIANTS],
    "office_hour_tutor_cancelled_to_learner": [OFFICE_HOUR, *OFFICE_HOUR_VARIANTS],
    "office_hour_tutor_cancelled_to_tutor": [OFFICE_HOUR, *OFFICE_HOUR_VARIANTS],
    "office_hour_reminder_to_learner": [OFFICE_HOUR, *OFFICE_HOUR_VARIANTS],
    "office_hour_reminder_to_tutor": [OFFICE_HOUR, *OFFICE_HOUR_VARIANTS],
    "promise_changed": [
        {
            "learner_name": "Anna Example",
            "course_title": "Strategy 101",
            "exercise_title": "Target group",
            "industry": "Media",
            "old_date": date(2026, 12, 10),
            "new_date": date(2026, 12, 15),
            "reason": "Flu.",
            "submission_url": f"{URL}/submissions/7",
        },
        {"learner_name": "", "industry": ""},
    ],
    "promise_warning": [
        {
            "recipient_name": "Tom Example",
            "course_title": "Strategy 101",
            "learner_name": "Anna Example",
            "exercise_title": "Target group",
            "industry": "Media",
            "submitted_at": WHEN,
            "due_on": date(2026, 12, 10),
            "overdue": False,
            "holder_name": "Tom Example",
            "review_url": f"{URL}/review/7",
        },
        {"overdue": True, "holder_name": "", "recipient_name": "", "industry": ""},
    ],
    "submission_receipt": [
        {
            **{k: v for k, v in SUBMISSION.items() if k != "feedback_target_days"},
            "promised_on": date(2026, 11, 27),
            "submissions_url": f"{URL}/submissions",
        },
        {"learner_name": "", "industry": "", "version": 2},
    ],
    "submissions_digest": [
        {
            "tutor_name": "Tom Example",
            "course_title": "Strategy 101",
            "items": [
                {k: SUBMISSION[k] for k in ("learner_name", "exercise_title", "industry")}
                | {"version": 1, "file_name": "plan.pdf", "submitted_at": WHEN},
                {k: SUBMISSION[k] for k in ("learner_name", "exercise_title")}
                | {"industry": "", "version": 2, "file_name": "plan.pdf", "submitted_at": WHEN},
            ],
            "since": WHEN,
            "feedback_target_days": 5,
        }
        | TUTOR_LINKS,
        {
            "tutor_name": "",
            "items": [
                {k: SUBMISSION[k] for k in ("learner_name", "exercise_title", "industry")}
                | {"version": 1, "file_name": "plan.pdf", "submitted_at": WHEN}
            ],
        },
    ],
}

# Template words, never in our neutral values. Whole words, case-sensitive.
GERMAN = (
    "Hallo", "Ihr", "Ihre", "Ihnen", "Sie", "Einreichung", "Einreichungen", "Feedback erhalten",
    "Übung", "Kurs", "Lektion", "Frage", "Fragen", "Beitrag", "Beiträge", "Arbeitstage",
    "Arbeitstagen", "Uhr", "Branche", "Fassung", "Datei", "Eingang", "Anhang", "Antwort",
    "gestellt", "seit", "und", "für", "Zur", "Diese", "E-Mail", "Tagesübersicht",
    "Warteschlange", "Benachrichtigungen", "Kursleitung", "Betreff", "Grund", "gemeldet",
    "ansehen", "Seite", "Seiten", "„",
)  # fmt: skip
ENGLISH = (
    "Hello", "Your", "your", "you", "submission", "received", "Please", "email", "the",
    "question", "post", "course", "version", "working days", "industry",
)  # fmt: skip


def test_every_email_has_a_context_here():
    folders = {p.name for p in mail.TEMPLATE_DIR.iterdir() if p.is_dir()}
    assert folders == set(CONTEXTS)


def contexts(name: str) -> list[dict[str, object]]:
    base, *variants = CONTEXTS[name]
    return [base] + [{**base, **variant} for variant in variants]


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def words_in(text: str, words: tuple[str, ...]) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


CASES = [
    pytest.param(name, locale, index, id=f"{name}-{locale}-{index}")
    for name in sorted(CONTEXTS)
    for locale in locales()
    for index in range(len(CONTEXTS[name]))
]


@pytest.mark.parametrize(("name", "locale", "index"), CASES)
def test_each_email_renders_in_its_language_only(name, locale, index):
    rendered = mail.render(name, contexts(name)[index], locale)
    assert rendered.locale == locale
    assert rendered.subject.strip() and rendered.text.strip() and rendered.html.strip()
    assert f'<html lang="{locale}">' in rendered.html
    assert re.search(r"<title>[^<]+</title>", rendered.html)
    assert "{#" not in rendered.text and "Variablen" not in rendered.text
    foreign = GERMAN if locale == "en" else ENGLISH
    for part in (rendered.subject, rendered.text, visible(rendered.html)):
        assert words_in(part, foreign) == [], part


# Mails that send their reader to the LMS course instead of a tool page (which opens
# only through a launch from the LMS): no link at all.
WITHOUT_LINKS = {"coaching_granted"}


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_links_are_the_same_in_both_languages(name):
    for context in contexts(name):
        german, english = (mail.render(name, context, locale) for locale in ("de", "en"))
        for part in ("text", "html"):
            links = [
                re.findall(r"https?://[^\s\"<)]+", getattr(r, part)) for r in (german, english)
            ]
            assert links[0] == links[1] and bool(links[0]) != (name in WITHOUT_LINKS)


def test_dates_follow_the_language_of_the_mail():
    context = contexts("submission_receipt")[0]
    assert "22.11.2026, 14:05 Uhr" in mail.render("submission_receipt", context, "de").text
    english = mail.render("submission_receipt", context, "en")
    assert "22 Nov 2026, 14:05" in english.text and "22 Nov 2026, 14:05" in english.html
    digest = mail.render("submissions_digest", contexts("submissions_digest")[0], "en")
    assert digest.text.count("22 Nov 2026, 14:05") == 3  # since, and each item


def test_an_lms_locale_with_a_region_gets_its_language():
    rendered = mail.render("submission_receipt", contexts("submission_receipt")[0], "en-GB")
    assert rendered.locale == "en" and rendered.subject == "Submission received: Target group"


@pytest.mark.parametrize("locale", ["fr", "", None, "xx-YY"])
def test_a_language_we_do_not_write_gets_german_and_says_so(locale):
    rendered = mail.render("submission_receipt", contexts("submission_receipt")[0], locale)
    assert rendered.locale == "de"
    assert rendered.subject == "Eingangsbestätigung: Target group"
    assert '<html lang="de">' in rendered.html


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_each_email_is_one_template_set_for_every_language(name):
    folder = mail.TEMPLATE_DIR / name
    assert sorted(p.name for p in folder.iterdir()) == ["body.html", "body.txt", "subject.txt"]


def _data(value: object) -> list[str]:
    """The texts among a context's values (names, titles, links, a person's own words),
    as the rendered mail shows them."""
    if isinstance(value, Markup):
        return [str(value), value.striptags()]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _data(item)]
    if isinstance(value, list):
        return [text for item in value for text in _data(item)]
    return []


@pytest.mark.parametrize(
    ("name", "index"),
    [(name, index) for name in sorted(CONTEXTS) for index in range(len(CONTEXTS[name]))],
)
def test_each_email_speaks_a_language_added_as_a_catalog_with_no_text_outside_it(
    name, index, pseudo_catalogs
):
    context = contexts(name)[index]
    rendered = mail.render(name, context, pseudo_catalogs)
    assert rendered.locale == pseudo_catalogs
    assert f'<html lang="{pseudo_catalogs}">' in rendered.html
    data = (*_data(context), clock.when(WHEN, pseudo_catalogs))
    for part in (html.escape(rendered.subject), html.escape(rendered.text), rendered.html):
        assert "⟦" in part
        assert unwrapped_text(part, data) == [], part


@pytest.fixture
def english_by_default(monkeypatch):
    """A deployment with ``KURSWERK_DEFAULT_LOCALE=en``."""
    monkeypatch.setenv("KURSWERK_DEFAULT_LOCALE", "en")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("stored", "language"), [(None, "en"), ("", "en"), ("fr-FR", "en"), ("de-DE", "de")]
)
def test_a_person_is_written_to_in_their_language_else_the_deployments_default(
    english_by_default, stored, language
):
    assert mail.recipient_locale(stored) == language


def test_the_deployments_default_is_german_unless_set():
    assert mail.recipient_locale(None) == "de"
    assert mail.recipient_locale("en-GB") == "en"
