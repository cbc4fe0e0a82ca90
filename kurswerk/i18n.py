"""Message catalogs: German first, English second.

Each domain registers its own catalog (``register(MESSAGES)``) from its routes module;
keys are namespaced (``lesson.reading_time``). A missing English text falls back to the
German one, a missing key shows the key itself, so a gap is visible, never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LOCALES = ("de", "en")
DEFAULT_LOCALE = "de"

_catalog: dict[str, dict[str, str]] = {locale: {} for locale in LOCALES}


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    for locale, entries in messages.items():
        if locale not in _catalog:
            raise ValueError(f"unsupported locale {locale!r}")
        _catalog[locale].update(entries)


def supported_locale(value: str | None) -> str | None:
    """Ours for an LTI ``launch_presentation.locale`` (``de-DE``, ``en_US``...), or
    ``None`` when it names no language Kurswerk speaks."""
    if not value:
        return None
    short = value.replace("_", "-").split("-")[0].lower()
    return short if short in LOCALES else None


def normalise_locale(value: str | None) -> str:
    """Map an LTI ``launch_presentation.locale`` to ours; German when it names none."""
    return supported_locale(value) or DEFAULT_LOCALE


def translate(locale: str, key: str, /, **params: Any) -> str:
    text = _catalog.get(locale, {}).get(key) or _catalog[DEFAULT_LOCALE].get(key) or key
    return text.format(**params) if params else text


def has_key(key: str) -> bool:
    return key in _catalog[DEFAULT_LOCALE]


register(
    {
        "de": {
            "app.name": "Kurswerk",
            "nav.skip": "Zum Inhalt springen",
            "nav.language": "Sprache",
            "nav.main": "Hauptnavigation",
            "error.title": "Das hat nicht geklappt",
            "error.status": "Fehlercode {status}",
            "error.no_session": (
                "Ihre Sitzung ist abgelaufen oder fehlt. Bitte öffnen Sie Kurswerk erneut "
                "über Ihren Kurs im LMS."
            ),
            "error.other_context": "Diese Seite gehört zu einem anderen Kurs als Ihre Sitzung.",
            "error.role_required": "Dafür fehlt Ihnen die Berechtigung.",
            "error.csrf": (
                "Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Bitte laden "
                "Sie die Seite neu und versuchen Sie es noch einmal."
            ),
            "error.not_found": "Diese Seite gibt es nicht.",
            "error.bad_request": "Die Anfrage ist unvollständig oder fehlerhaft ({fields}).",
            "error.too_large": (
                "Die Anfrage ist zu groß: Ein Formular darf höchstens {limit_kb} KB senden. "
                "Es wurde nichts gespeichert. Gehen Sie im Browser zurück, kürzen Sie Ihre "
                "Eingabe und senden Sie sie erneut."
            ),
            "error.other_person": (
                "Sie haben den Link einer anderen Person geöffnet, sind hier aber als "
                "{name} angemeldet. Es wurde nichts davon ausgeführt oder gespeichert."
            ),
            "error.other_person.reopen": (
                "Öffnen Sie Kurswerk bitte erneut über Ihren Kurs im LMS. Links zu Kurswerk-"
                "Seiten gelten nur für die Person, die sie geöffnet hat."
            ),
            "session.signed_in_as": "Angemeldet als {name} ({role})",
            "session.name_withheld": "Person ohne Namen",
            "session.role.learner": "Teilnehmende/r",
            "session.role.tutor": "Tutor/in",
            "session.role.admin": "Administrator/in",
            "session.logout": "Abmelden",
            "session.signed_out.title": "Abgemeldet",
            "session.signed_out.body": (
                "Sie sind von Kurswerk abgemeldet. Ihre Sitzung ist beendet, auch Links und "
                "Tabs dieser Sitzung funktionieren nicht mehr."
            ),
            "session.signed_out.reopen": (
                "Um Kurswerk wieder zu öffnen, gehen Sie in Ihren Kurs im LMS und klicken "
                "Sie dort erneut auf die Kurswerk-Aktivität."
            ),
            "session.back_to_lms": "Zurück zum LMS",
            "error.internal": (
                "Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut."
            ),
        },
        "en": {
            "nav.skip": "Skip to content",
            "nav.language": "Language",
            "nav.main": "Main navigation",
            "error.title": "That did not work",
            "error.status": "Error code {status}",
            "error.no_session": (
                "Your session has expired or is missing. Please open Kurswerk again from "
                "your course in the LMS."
            ),
            "error.other_context": "This page belongs to another course than your session.",
            "error.role_required": "You do not have permission to do that.",
            "error.csrf": (
                "The form has expired or did not come from this page. Please reload the page "
                "and try again."
            ),
            "error.not_found": "This page does not exist.",
            "error.bad_request": "The request is incomplete or malformed ({fields}).",
            "error.too_large": (
                "The request is too large: a form may send at most {limit_kb} KB. Nothing "
                "was saved. Go back in your browser, shorten your input and send it again."
            ),
            "error.other_person": (
                "You opened another person's link, but you are signed in here as {name}. "
                "Nothing of it was carried out or saved."
            ),
            "error.other_person.reopen": (
                "Please open Kurswerk again from your course in the LMS. Links to Kurswerk "
                "pages are valid only for the person who opened them."
            ),
            "session.signed_in_as": "Signed in as {name} ({role})",
            "session.name_withheld": "person without a name",
            "session.role.learner": "Learner",
            "session.role.tutor": "Tutor",
            "session.role.admin": "Administrator",
            "session.logout": "Sign out",
            "session.signed_out.title": "Signed out",
            "session.signed_out.body": (
                "You are signed out of Kurswerk. Your session has ended; links and tabs of "
                "this session no longer work either."
            ),
            "session.signed_out.reopen": (
                "To open Kurswerk again, go to your course in the LMS and click the Kurswerk "
                "activity there once more."
            ),
            "session.back_to_lms": "Back to the LMS",
            "error.internal": "An unexpected error occurred. Please try again later.",
        },
    }
)
