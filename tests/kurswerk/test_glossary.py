"""Kurswerk's texts use the terms of ``kurswerk/locale/GLOSSARY.md``: no German message id
and no English translation uses a word from its "Not" columns.

The rules below are that glossary's "Not" columns as patterns; a changed glossary changes
them too. The LMS's own role names (Lehrende, Lernende; Instructor, Learner, Student) are the
LMS's words, not Kurswerk's: they stay where the LMS's role is the topic, i.e. a message
whose context is ``LMS role``, one that names the LMS role in its text, or one used only by
the LMS simulator (``kurswerk/devplatform``), which speaks as an LMS."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from kurswerk.core import i18n


@dataclass(frozen=True)
class Rule:
    pattern: str
    use: str
    lms_word: bool = False  # allowed where the LMS's role is the topic

    def finds(self, text: str) -> bool:
        return re.search(self.pattern, text) is not None


GERMAN = [
    Rule(r"\w/(in|innen|r)\b", "the colon form: Tutor:in, Teilnehmer:in, Administrator:innen"),
    Rule(r"\w\((e|n|en|s)\)", "ngettext instead of a plural in brackets"),
    Rule(r"Lehrperson", "Tutor:in (one's own: Ihre Tutorin oder Ihr Tutor)"),
    Rule(r"Dozent", "Kursleitung, or Tutor:in for who writes feedback"),
    Rule(r"\bLehrenden?\b", "Tutor:in, Tutor:innen", lms_word=True),
    Rule(r"\bLernenden?\b", "Teilnehmer:in, Teilnehmende", lms_word=True),
    Rule(r"\bAdmins?\b", "Administrator:in"),
    Rule(r"(?<!LTI-)\bVersion(en)?\b", "Fassung"),
    Rule(r"\bAbgaben?\b", "Einreichung"),
    Rule(r"Rückmeldung", "Feedback"),
    Rule(r"Coaching-Paket", "Coachingpaket"),
    Rule(r"Zuteilung", "Vergabe"),
    Rule(r"Sprechzeit", "Sprechstunde"),
    Rule(r"Werktag", "Arbeitstag (Kurswerk counts Monday to Friday)"),
    Rule(r"\bModule?\b|\bKapitel\b", "Lektion"),
    Rule(r"\bThreads?\b", "Frage"),
    Rule(r"Teilnehmerliste", "Teilnehmendenliste"),
    Rule(r"Bewertungsbuch", "Bewertungsübersicht"),
]
ENGLISH = [
    Rule(r"(?i)\bparticipants?\b", "learner, or roster for the LMS's list", lms_word=True),
    Rule(r"(?i)\bstudents?\b", "learner", lms_word=True),
    Rule(r"(?i)\binstructors?\b", "tutor or course lead", lms_word=True),
    Rule(r"(?i)\bteachers?\b|teaching staff", "tutor or course lead"),
    Rule(r"(?i)\blecturers?\b", "course lead"),
    Rule(r"(?i)course leaders|course team", "course lead"),
    Rule(r"(?i)\badmins?\b", "administrator"),
    Rule(r"(?i)business days?", "working days"),
]

LMS_ROLE_CONTEXT = "LMS role"
LMS_ROLE_NAMED = re.compile(r"LMS-Rolle|LMS role")
LMS_SIMULATOR = "kurswerk/devplatform/"


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def _texts(value: str | tuple[str, ...] | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else [text for text in value if text]


def _about_lms_roles(message: Message) -> bool:
    if message.context == LMS_ROLE_CONTEXT:
        return True
    if any(LMS_ROLE_NAMED.search(text) for text in _texts(message.id) + _texts(message.string)):
        return True
    places = [path for path, _line in message.locations]
    return bool(places) and all(path.startswith(LMS_SIMULATOR) for path in places)


def _breaches(catalog: Catalog, rules: list[Rule], texts_of) -> list[str]:
    found = []
    for message in catalog:
        if not message.id:
            continue
        lms = _about_lms_roles(message)
        for text in texts_of(message):
            for rule in rules:
                if rule.finds(text) and not (rule.lms_word and lms):
                    found.append(f"{text!r}: {rule.pattern} -> use {rule.use}")
    return found


def test_german_message_ids_use_the_glossary_terms():
    template = _read(i18n.LOCALE_DIR / "messages.pot")
    assert _breaches(template, GERMAN, lambda message: _texts(message.id)) == []


@pytest.mark.parametrize("language", ["en"])
def test_english_translations_use_the_glossary_terms(language):
    catalog = _read(i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po")
    assert _breaches(catalog, ENGLISH, lambda message: _texts(message.string)) == []


def test_the_lms_role_names_are_allowed_only_where_the_lms_role_is_the_topic():
    ours = Message("Ihre Lernende sieht das.", locations=[("uploads/x.html", 1)])
    role = Message("Lernende", context=LMS_ROLE_CONTEXT, locations=[("coaching/roster.py", 1)])
    named = Message("Nur mit der LMS-Rolle Lehrende.", locations=[("lti/routes/launch.py", 1)])
    simulated = Message("Nur Lehrende.", locations=[(LMS_SIMULATOR + "routes/launch.py", 1)])
    mixed = Message("Lehrende", locations=[(LMS_SIMULATOR + "a.html", 1), ("feedback/b.html", 2)])
    catalog = Catalog(locale="de")
    for message in (ours, role, named, simulated, mixed):
        catalog[message.id] = message
    texts = sorted(_breaches(catalog, GERMAN, lambda message: _texts(message.id)))
    assert [text.split(":")[0] for text in texts] == ["'Ihre Lernende sieht das.'", "'Lehrende'"]
