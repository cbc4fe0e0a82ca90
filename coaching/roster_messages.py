"""Texts of the coaching roster page (``coaching.routes.roster``), German first; merged
into ``coaching.messages.COACHING_MESSAGES``, so the coaching catalog's checks (same keys
and placeholders in both languages, no stale keys) cover them. Dynamic keys:
coaching.roster.show.* (``coaching_roster.Show``)."""

from __future__ import annotations

ROSTER_MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        "coaching.nav.roster": "Teilnehmende (LMS)",
        "coaching.done.roster_granted": (
            "Fertig: {granted} neu vergeben, {already_held} übersprungen (hatten das Paket schon)."
        ),
        "coaching.source.roster": "Teilnehmendenliste",
        "coaching.roster.title": "Teilnehmende und Coaching-Pakete",
        "coaching.roster.course": "Kurs: {course}",
        "coaching.roster.intro_admin": (
            "Alle Teilnehmenden des LMS-Kurses mit ihrem Coaching-Paket in diesem Kurs. "
            "Kreuzen Sie Personen an und wählen Sie ein Paket, um es allen auf einmal zu "
            "vergeben. Vorausgewählt sind aktive Lernende ohne Paket."
        ),
        "coaching.roster.intro_tutor": (
            "Alle Teilnehmenden des LMS-Kurses mit ihrem Coaching-Paket in diesem Kurs. "
            "Pakete vergeben die Administrator/innen."
        ),
        "coaching.roster.nothing_granted": "Es wurde nichts vergeben.",
        "coaching.roster.show": "Welche Teilnehmenden?",
        "coaching.roster.show.all": "alle",
        "coaching.roster.show.learners": "nur Lernende",
        "coaching.roster.show.without": "nur Lernende ohne Paket",
        "coaching.roster.apply": "Liste anzeigen",
        "coaching.roster.count": "{count} Personen im LMS-Kurs, {shown} angezeigt.",
        "coaching.roster.caption": "Teilnehmende laut LMS",
        "coaching.roster.empty": "Die Teilnehmendenliste des LMS-Kurses ist leer.",
        "coaching.roster.none_shown": "Niemand in der Liste passt zu dieser Auswahl.",
        "coaching.roster.no_packages": "Es gibt noch kein Paket, das sich vergeben lässt.",
        "coaching.roster.grant_title": "Paket an mehrere vergeben",
        "coaching.roster.grant_hint": (
            "Das Paket geht an alle, die in der Liste unten angekreuzt sind. Wer es schon "
            "hat, bekommt es nicht doppelt."
        ),
        "coaching.roster.until_hint": "Leer lassen: gültig, solange das Paket gilt.",
        "coaching.roster.submit": "Paket an Ausgewählte vergeben",
        "coaching.roster.select": "Auswählen",
        "coaching.roster.select_all": "Alle angezeigten auswählen",
        "coaching.roster.select_none": "Auswahl aufheben",
        "coaching.roster.col.name": "Name",
        "coaching.roster.col.role": "Rolle im LMS",
        "coaching.roster.col.launched": "Kurswerk geöffnet",
        "coaching.roster.col.usage": "Feedback genutzt / übrig",
        "coaching.roster.no_package": "kein Paket",
        "coaching.roster.inactive": "im LMS nicht aktiv",
        "coaching.roster.role_other": "andere Rolle",
        "coaching.roster.usage": "{used} genutzt, {remaining} übrig",
        "coaching.roster.usage_unlimited": "{used} genutzt, unbegrenzt",
        "coaching.roster.error.none_selected": "Bitte kreuzen Sie mindestens eine Person an.",
        "coaching.roster.error.not_in_roster": (
            "{count} der ausgewählten Personen stehen nicht (mehr) in der Teilnehmendenliste "
            "dieses Kurses. Es wurde nichts vergeben; bitte prüfen Sie die Auswahl."
        ),
        "coaching.roster.error.too_many": "Höchstens {max} Personen lassen sich auf einmal wählen.",
        "coaching.roster.error.form_too_large": "Das Formular ist zu groß, um es zu lesen.",
    },
    "en": {
        "coaching.nav.roster": "Participants (LMS)",
        "coaching.done.roster_granted": (
            "Done: {granted} granted, {already_held} skipped (already held the package)."
        ),
        "coaching.source.roster": "Roster",
        "coaching.roster.title": "Participants and coaching packages",
        "coaching.roster.course": "Course: {course}",
        "coaching.roster.intro_admin": (
            "Everyone in the LMS course with their coaching package in this course. Tick "
            "people and choose a package to grant it to all of them at once. Active "
            "learners without a package are preselected."
        ),
        "coaching.roster.intro_tutor": (
            "Everyone in the LMS course with their coaching package in this course. "
            "Administrators grant the packages."
        ),
        "coaching.roster.nothing_granted": "Nothing was granted.",
        "coaching.roster.show": "Which participants?",
        "coaching.roster.show.all": "all",
        "coaching.roster.show.learners": "learners only",
        "coaching.roster.show.without": "learners without a package only",
        "coaching.roster.apply": "Show the list",
        "coaching.roster.count": "{count} people in the LMS course, {shown} shown.",
        "coaching.roster.caption": "Participants according to the LMS",
        "coaching.roster.empty": "The LMS course's participant list is empty.",
        "coaching.roster.none_shown": "Nobody in the list matches this choice.",
        "coaching.roster.no_packages": "There is no package that can be granted yet.",
        "coaching.roster.grant_title": "Grant a package to several people",
        "coaching.roster.grant_hint": (
            "The package goes to everyone ticked in the list below. Anyone who already "
            "holds it does not get it twice."
        ),
        "coaching.roster.until_hint": "Leave empty: valid as long as the package is.",
        "coaching.roster.submit": "Grant the package to the selected",
        "coaching.roster.select": "Select",
        "coaching.roster.select_all": "Select all shown",
        "coaching.roster.select_none": "Clear the selection",
        "coaching.roster.col.name": "Name",
        "coaching.roster.col.role": "Role in the LMS",
        "coaching.roster.col.launched": "Opened Kurswerk",
        "coaching.roster.col.usage": "Feedback used / left",
        "coaching.roster.no_package": "no package",
        "coaching.roster.inactive": "not active in the LMS",
        "coaching.roster.role_other": "other role",
        "coaching.roster.usage": "{used} used, {remaining} left",
        "coaching.roster.usage_unlimited": "{used} used, unlimited",
        "coaching.roster.error.none_selected": "Please tick at least one person.",
        "coaching.roster.error.not_in_roster": (
            "{count} of the selected people are not (or no longer) in this course's "
            "participant list. Nothing was granted; please check the selection."
        ),
        "coaching.roster.error.too_many": "At most {max} people can be selected at once.",
        "coaching.roster.error.form_too_large": "The form is too large to be read.",
    },
}
