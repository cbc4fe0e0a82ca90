"""The shell's texts as a dict (German first, English second), read by ``kurswerk.core.i18n``.

TRANSITION: replaced by the gettext catalogs (``kurswerk/locale/``).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
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
        "error.forbidden": "Dafür fehlt Ihnen die Berechtigung.",
        "error.method_not_allowed": (
            "Diese Seite lässt sich so nicht aufrufen. Bitte öffnen Sie sie über einen "
            "Link oder ein Formular in Kurswerk."
        ),
        "error.too_large_generic": "Die Anfrage ist zu groß. Es wurde nichts gespeichert.",
        "error.generic": "Die Anfrage konnte nicht bearbeitet werden.",
        "error.to_course_home": "Zur Startseite des Kurses",
        "error.to_lms": "Zurück zum LMS",
        "error.reopen_from_lms": "Öffnen Sie Kurswerk über Ihren Kurs im LMS.",
        "email_link.expired": (
            "Dieser Link aus einer E-Mail ist abgelaufen. Öffnen Sie Kurswerk über Ihren "
            "Kurs im LMS: Dort finden Sie dieselbe Seite."
        ),
        "email_link.invalid": (
            "Dieser Link ist ungültig, vielleicht wurde er beim Kopieren gekürzt. Öffnen "
            "Sie Kurswerk über Ihren Kurs im LMS."
        ),
        "email_link.other_person": (
            "Dieser Link aus einer E-Mail ist für eine andere Person bestimmt als die, die "
            "hier angemeldet ist. Öffnen Sie ihn in einem Browser ohne diese Anmeldung "
            "oder öffnen Sie Kurswerk über Ihren Kurs im LMS."
        ),
        "email_link.other_page": (
            "Ein Link aus einer E-Mail öffnet nur die Seite, zu der er führt. Für alles "
            "Weitere öffnen Sie Kurswerk über Ihren Kurs im LMS."
        ),
        "email_link.way_back": (
            "Über Ihren Kurs im LMS nutzen Sie Kurswerk wie gewohnt, mit allen Seiten."
        ),
        "email_link.read_only": (
            "Sie sehen diese Seite über einen Link aus einer E-Mail, nur zum Lesen. Um "
            "etwas zu tun oder weitere Seiten zu sehen, öffnen Sie Kurswerk über Ihren "
            "Kurs im LMS."
        ),
        "email_link.to_lms": "Zum LMS",
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
        "error.forbidden": "You do not have permission to do that.",
        "error.method_not_allowed": (
            "This page cannot be opened this way. Please open it through a link or a form "
            "in Kurswerk."
        ),
        "error.too_large_generic": "The request is too large. Nothing was saved.",
        "error.generic": "The request could not be processed.",
        "error.to_course_home": "To the course's home page",
        "error.to_lms": "Back to the LMS",
        "error.reopen_from_lms": "Open Kurswerk from your course in the LMS.",
        "email_link.expired": (
            "This link from an email has expired. Open Kurswerk from your course in the "
            "LMS: the same page is there."
        ),
        "email_link.invalid": (
            "This link is not valid; perhaps it was cut short when copied. Open Kurswerk "
            "from your course in the LMS."
        ),
        "email_link.other_person": (
            "This link from an email is meant for another person than the one signed in "
            "here. Open it in a browser without this sign-in, or open Kurswerk from your "
            "course in the LMS."
        ),
        "email_link.other_page": (
            "A link from an email opens only the page it leads to. For anything else, "
            "open Kurswerk from your course in the LMS."
        ),
        "email_link.way_back": (
            "From your course in the LMS you use Kurswerk as usual, with every page."
        ),
        "email_link.read_only": (
            "You are seeing this page through a link from an email, read-only. To do "
            "anything or see other pages, open Kurswerk from your course in the LMS."
        ),
        "email_link.to_lms": "To the LMS",
    },
}
