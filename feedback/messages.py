"""Texts of the feedback pages (German first, English second); the composition root
(``kurswerk.wiring``) registers them from ``feedback.routes.CATALOGS``.

Tutors read "Teilnehmer:in" for the learner; learners read "Sie". Status names follow
the coaching issue: eingereicht → in Bearbeitung → Feedback erhalten (the tutor's queue
says "Feedback freigegeben" for the last one: that is what the tutor did).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        # errors that are not a form's
        "feedback.not_found": (
            "Diese Einreichung gibt es nicht, oder sie ist für Sie nicht sichtbar."
        ),
        "feedback.form.bad_type": (
            "Das Formular wurde nicht wie erwartet gesendet. Bitte nutzen Sie das Formular auf "
            "der Seite."
        ),
        "feedback.queue.bad_filter": (
            "Dieser Filter oder Seitenverweis ist ungültig. Bitte wählen Sie die Filter auf der "
            "Seite neu."
        ),
        # statuses
        "feedback.status.submitted": "Eingereicht",
        "feedback.status.in_review": "In Bearbeitung",
        "feedback.status.feedback_released": "Feedback freigegeben",
        "feedback.learner_status.submitted": "eingereicht",
        "feedback.learner_status.in_review": "in Bearbeitung",
        "feedback.learner_status.feedback_released": "Feedback erhalten",
        # navigation
        "feedback.nav.label": "Navigation",
        "feedback.nav.course": "Zum Kurs",
        # the queue
        "feedback.queue.title": "Feedback-Warteschlange",
        "feedback.queue.intro": (
            "Einreichungen dieses Kurses, die älteste zuerst. Ziel: Feedback innerhalb von "
            "{days} Arbeitstagen (Montag bis Freitag)."
        ),
        "feedback.queue.filters": "Einreichungen filtern",
        "feedback.queue.status": "Status",
        "feedback.queue.lesson": "Lektion",
        "feedback.queue.exercise": "Übung",
        "feedback.queue.industry": "Branche",
        "feedback.queue.any": "Alle",
        "feedback.queue.apply": "Filter anwenden",
        "feedback.queue.reset": "Filter zurücksetzen",
        "feedback.queue.status.open": "Offen (eingereicht oder in Bearbeitung)",
        "feedback.queue.status.submitted": "Eingereicht",
        "feedback.queue.status.in_review": "In Bearbeitung",
        "feedback.queue.status.feedback_released": "Feedback freigegeben",
        "feedback.queue.status.all": "Alle",
        "feedback.queue.caption": "Einreichungen, die älteste zuerst",
        "feedback.queue.on_page": "{count} auf dieser Seite, davon {overdue} überfällig.",
        "feedback.queue.col.submitted": "Eingereicht am",
        "feedback.queue.col.learner": "Teilnehmer:in",
        "feedback.queue.col.exercise": "Übung",
        "feedback.queue.col.industry": "Branche",
        "feedback.queue.col.status": "Status",
        "feedback.queue.col.target": "Frist",
        "feedback.queue.col.action": "Aktion",
        "feedback.queue.open": "Öffnen",
        "feedback.queue.open_label": "Einreichung von {learner} zu „{exercise}“",
        "feedback.queue.col.version": "Version",
        "feedback.queue.claimed_by": "von",
        "feedback.queue.claimed_by_you": "von Ihnen",
        "feedback.queue.claim_expired": "Vormerkung abgelaufen",
        "feedback.queue.empty": "Keine Einreichungen für diese Auswahl.",
        "feedback.queue.pages": "Seiten der Warteschlange",
        "feedback.queue.first": "Zur ersten Seite",
        "feedback.queue.next": "Nächste Seite",
        # age against the target
        "feedback.age.overdue": "Überfällig",
        "feedback.age.left_one": "noch 1 Arbeitstag",
        "feedback.age.left_many": "noch {days} Arbeitstage",
        "feedback.age.last_day": "letzter Tag",
        "feedback.age.none": "keine Frist",
        # the review page
        "feedback.review.title": "Einreichung: {exercise}",
        "feedback.review.facts": "Angaben zur Einreichung",
        "feedback.review.learner": "Teilnehmer:in",
        "feedback.review.lesson": "Lektion",
        "feedback.review.industry": "Branche",
        "feedback.review.submitted_at": "Eingereicht am",
        "feedback.review.version": "Version",
        "feedback.review.version_of": "{n} von {total}",
        "feedback.review.status": "Status",
        "feedback.review.target": "Frist",
        "feedback.review.pdf": "Eingereichtes PDF",
        "feedback.review.pages_one": "1 Seite",
        "feedback.review.pages_many": "{pages} Seiten",
        "feedback.review.open_inline": "Im Browser lesen",
        "feedback.review.download": "Herunterladen",
        "feedback.review.new_tab": "(öffnet in einem neuen Tab)",
        "feedback.review.note": "Worauf soll sich das Feedback konzentrieren?",
        "feedback.review.earlier": "Frühere Versionen",
        "feedback.review.version_item": "Version {n} vom {when}",
        "feedback.review.claim": "Bearbeitung",
        "feedback.review.claim.none": (
            "Niemand bearbeitet diese Einreichung gerade. Übernehmen Sie sie, um Feedback zu "
            "schreiben; andere Lehrende sehen dann, dass Sie daran arbeiten."
        ),
        "feedback.review.claim.button": "Einreichung übernehmen",
        "feedback.review.claim.mine": (
            "Sie bearbeiten diese Einreichung seit {since}. Sie ist für Sie vorgemerkt bis "
            "{until}; jedes Speichern verlängert die Vormerkung."
        ),
        "feedback.review.unclaim.button": "Bearbeitung abgeben",
        "feedback.review.claim.other": (
            "{name} bearbeitet diese Einreichung (vorgemerkt bis {until})."
        ),
        "feedback.review.claim.other_expired": (
            "{name} hat diese Einreichung bearbeitet; die Vormerkung ist seit {until} abgelaufen."
        ),
        "feedback.review.takeover.button": "Übernehmen …",
        "feedback.review.confirm.title": "Übernahme bestätigen",
        "feedback.review.confirm.expired": (
            "Die Vormerkung von {name} ist abgelaufen. Wenn Sie übernehmen, kann {name} nichts "
            "mehr speichern. Ein gespeicherter Entwurf bleibt erhalten, und Sie arbeiten daran "
            "weiter."
        ),
        "feedback.review.confirm.admin": (
            "{name} bearbeitet diese Einreichung gerade (vorgemerkt bis {until}). Als Admin können "
            "Sie sie trotzdem übernehmen. {name} kann dann nichts mehr speichern; ein "
            "gespeicherter Entwurf bleibt erhalten."
        ),
        "feedback.review.confirm.button": "Ja, übernehmen",
        "feedback.review.confirm.cancel": "Abbrechen",
        "feedback.review.closed": (
            "Das Feedback zur neuesten Version ist freigegeben. Reicht die Teilnehmerin oder der "
            "Teilnehmer eine neue Version ein, erscheint sie wieder in der Warteschlange."
        ),
        # the editor
        "feedback.editor.title": "Feedback schreiben",
        "feedback.editor.label": "Ihr Feedback",
        "feedback.editor.hint": (
            "Markdown ist möglich: **fett**, *kursiv*, Listen mit „- “, Links als "
            "[Text](https://…). Höchstens {limit} Zeichen. Erst nach der Freigabe sieht die "
            "Teilnehmerin oder der Teilnehmer das Feedback."
        ),
        "feedback.editor.save": "Entwurf speichern",
        "feedback.editor.preview": "Vorschau anzeigen",
        "feedback.editor.saved_at": "Entwurf zuletzt gespeichert: {when}",
        "feedback.editor.unsaved": "Ihr nicht gespeicherter Text (zum Kopieren)",
        "feedback.draft.other": "Entwurf von {name}, zuletzt gespeichert: {when}",
        # the attachment
        "feedback.attachment.title": "Feedback-PDF (optional)",
        "feedback.attachment.current": "Angehängt:",
        "feedback.attachment.none": "Kein PDF angehängt.",
        "feedback.attachment.remove": "PDF entfernen",
        "feedback.attachment.label": "PDF-Datei",
        "feedback.attachment.hint": (
            "Eine PDF-Datei bis {limit_mb} MB, zum Beispiel die Einreichung mit Ihren "
            "Anmerkungen. Sie wird geprüft wie jede Einreichung. Ein neues PDF ersetzt das "
            "bisherige."
        ),
        "feedback.attachment.upload": "PDF anhängen",
        "feedback.attachment.refused": (
            "Das PDF wurde nicht angehängt; Ihr Entwurf ist unverändert."
        ),
        # preview and release
        "feedback.preview.title": "Vorschau",
        "feedback.preview.intro": (
            "So erhält die Teilnehmerin oder der Teilnehmer das Feedback nach der Freigabe – im "
            "Tool und als E-Mail."
        ),
        "feedback.preview.empty": "Der Entwurf enthält noch keinen Text.",
        "feedback.release.explain": (
            "Mit der Freigabe erhält {name} das Feedback im Tool und per E-Mail, mit dem "
            "vollständigen Text. Danach lässt es sich nicht mehr ändern."
        ),
        "feedback.release.explain_pdf": "Das Feedback-PDF wird der E-Mail beigefügt.",
        "feedback.release.button": "Feedback freigeben",
        "feedback.release.empty": (
            "Es gibt noch keinen Feedbacktext. Bitte schreiben und speichern Sie zuerst Ihr "
            "Feedback."
        ),
        "feedback.release.changed": (
            "Der Entwurf wurde seit der Vorschau geändert, zum Beispiel in einem anderen Tab. "
            "Bitte prüfen Sie die Vorschau erneut und geben Sie dann frei."
        ),
        "feedback.release.new_version": (
            "Inzwischen wurde eine neue Version eingereicht. Bitte sehen Sie sie sich an und "
            "speichern Sie Ihr Feedback erneut; es gilt dann für die neue Version."
        ),
        "feedback.released.title": "Freigegebenes Feedback",
        "feedback.released.item": "Feedback zu Version {n}",
        "feedback.released.meta": "von {name}, freigegeben am {when}",
        # refused changes
        "feedback.error.title": "Das wurde nicht gespeichert",
        "feedback.error.claim_title": "Das hat nicht geklappt",
        "feedback.edit.claimed_by_other": (
            "{name} bearbeitet diese Einreichung inzwischen. Ihre Änderung wurde nicht gespeichert."
        ),
        "feedback.edit.not_claimed": (
            "Sie bearbeiten diese Einreichung nicht (mehr). Bitte übernehmen Sie sie zuerst; Ihre "
            "Änderung wurde nicht gespeichert."
        ),
        "feedback.edit.too_long": (
            "Ihr Feedback ist mit {length} Zeichen zu lang (höchstens {limit}). Bitte kürzen Sie "
            "es; es wurde nichts gespeichert."
        ),
        "feedback.edit.already_released": "Das Feedback zu dieser Version ist bereits freigegeben.",
        "feedback.claim.closed": (
            "Zu dieser Einreichung ist das Feedback bereits freigegeben; es gibt nichts zu "
            "übernehmen."
        ),
        "feedback.claim.held_by_other": (
            "{name} hat diese Einreichung bereits übernommen. Zwei Personen können sie nicht "
            "gleichzeitig bearbeiten."
        ),
        "feedback.claim.lost": "Jemand anderes hat diese Einreichung gerade übernommen.",
        # confirmations after a redirect
        "feedback.done.claimed": "Sie haben die Einreichung übernommen.",
        "feedback.done.renewed": "Ihre Vormerkung wurde verlängert.",
        "feedback.done.taken_over": "Sie haben die Einreichung übernommen.",
        "feedback.done.unclaimed": "Sie haben die Bearbeitung abgegeben.",
        "feedback.done.saved": "Entwurf gespeichert.",
        "feedback.done.attached": "PDF angehängt.",
        "feedback.done.attachment_removed": "PDF entfernt.",
        "feedback.done.released": (
            "Feedback freigegeben. Die E-Mail an die Teilnehmerin oder den Teilnehmer ist "
            "unterwegs."
        ),
        "feedback.done.already_released": (
            "Dieses Feedback war bereits freigegeben; es wurde nichts erneut versendet."
        ),
        # the learner's page
        "feedback.learner.title": "Feedback zu „{exercise}“",
        "feedback.learner.status": "Status",
        "feedback.learner.pending": (
            "Ihr Feedback ist noch nicht da. Sobald es freigegeben ist, finden Sie es hier, und "
            "Sie erhalten es per E-Mail."
        ),
        "feedback.learner.item": "Feedback zu Ihrer Version {n}",
        "feedback.learner.meta": "von {name}, am {when}",
        "feedback.learner.attachment": "Feedback-PDF",
        "feedback.learner.versions": "Ihre eingereichten Versionen",
        "feedback.panel.all": "Alle Rückmeldungen zu dieser Einreichung",
        # the LMS gradebook's comment (last line, when the summary is not all of it)
        "feedback.gradebook.more": "Das vollständige Feedback finden Sie in Kurswerk.",
        "feedback.gradebook.more_pdf": (
            "Das vollständige Feedback mit PDF-Anhang finden Sie in Kurswerk."
        ),
        # a gradebook's "view submission" with nothing to show
        "feedback.review_missing.title": "Einsicht in eine Abgabe",
        "feedback.review_missing.for": "Abgabe von {name}",
        "feedback.review_missing.none": (
            "{name} hat zur Übung „{exercise}“ noch nichts eingereicht."
        ),
        "feedback.review_missing.none_own": (
            "Sie haben zur Übung „{exercise}“ noch nichts eingereicht."
        ),
        "feedback.review_missing.no_exercise": (
            "Diese Spalte der Bewertungsübersicht gehört zu keiner Übung dieses Kurses. Darum "
            "gibt es hier keine Abgabe zu zeigen."
        ),
        "feedback.review_missing.to_queue": "Zu den Einreichungen",
    },
    "en": {
        "feedback.not_found": "This submission does not exist, or you cannot see it.",
        "feedback.form.bad_type": (
            "The form was not sent as expected. Please use the form on the page."
        ),
        "feedback.queue.bad_filter": (
            "This filter or page link is not valid. Please choose the filters on the page again."
        ),
        "feedback.status.submitted": "Submitted",
        "feedback.status.in_review": "In review",
        "feedback.status.feedback_released": "Feedback released",
        "feedback.learner_status.submitted": "submitted",
        "feedback.learner_status.in_review": "in review",
        "feedback.learner_status.feedback_released": "feedback received",
        "feedback.nav.label": "Navigation",
        "feedback.nav.course": "To the course",
        "feedback.queue.title": "Feedback queue",
        "feedback.queue.intro": (
            "Submissions of this course, oldest first. Target: feedback within {days} working "
            "days (Monday to Friday)."
        ),
        "feedback.queue.filters": "Filter submissions",
        "feedback.queue.status": "Status",
        "feedback.queue.lesson": "Lesson",
        "feedback.queue.exercise": "Exercise",
        "feedback.queue.industry": "Industry",
        "feedback.queue.any": "All",
        "feedback.queue.apply": "Apply filters",
        "feedback.queue.reset": "Reset filters",
        "feedback.queue.status.open": "Open (submitted or in review)",
        "feedback.queue.status.submitted": "Submitted",
        "feedback.queue.status.in_review": "In review",
        "feedback.queue.status.feedback_released": "Feedback released",
        "feedback.queue.status.all": "All",
        "feedback.queue.caption": "Submissions, oldest first",
        "feedback.queue.on_page": "{count} on this page, {overdue} of them overdue.",
        "feedback.queue.col.submitted": "Submitted",
        "feedback.queue.col.learner": "Participant",
        "feedback.queue.col.exercise": "Exercise",
        "feedback.queue.col.industry": "Industry",
        "feedback.queue.col.status": "Status",
        "feedback.queue.col.target": "Due",
        "feedback.queue.col.action": "Action",
        "feedback.queue.open": "Open",
        "feedback.queue.open_label": "submission of {learner} for “{exercise}”",
        "feedback.queue.col.version": "Version",
        "feedback.queue.claimed_by": "by",
        "feedback.queue.claimed_by_you": "by you",
        "feedback.queue.claim_expired": "claim expired",
        "feedback.queue.empty": "No submissions for these filters.",
        "feedback.queue.pages": "Queue pages",
        "feedback.queue.first": "To the first page",
        "feedback.queue.next": "Next page",
        "feedback.age.overdue": "Overdue",
        "feedback.age.left_one": "1 working day left",
        "feedback.age.left_many": "{days} working days left",
        "feedback.age.last_day": "last day",
        "feedback.age.none": "no due date",
        "feedback.review.title": "Submission: {exercise}",
        "feedback.review.facts": "About this submission",
        "feedback.review.learner": "Participant",
        "feedback.review.lesson": "Lesson",
        "feedback.review.industry": "Industry",
        "feedback.review.submitted_at": "Submitted",
        "feedback.review.version": "Version",
        "feedback.review.version_of": "{n} of {total}",
        "feedback.review.status": "Status",
        "feedback.review.target": "Due",
        "feedback.review.pdf": "Submitted PDF",
        "feedback.review.pages_one": "1 page",
        "feedback.review.pages_many": "{pages} pages",
        "feedback.review.open_inline": "Read in the browser",
        "feedback.review.download": "Download",
        "feedback.review.new_tab": "(opens in a new tab)",
        "feedback.review.note": "What should the feedback focus on?",
        "feedback.review.earlier": "Earlier versions",
        "feedback.review.version_item": "Version {n} of {when}",
        "feedback.review.claim": "Review",
        "feedback.review.claim.none": (
            "Nobody is reviewing this submission. Claim it to write feedback; other tutors then "
            "see that you are working on it."
        ),
        "feedback.review.claim.button": "Claim submission",
        "feedback.review.claim.mine": (
            "You have been reviewing this submission since {since}. It is reserved for you until "
            "{until}; every save extends that."
        ),
        "feedback.review.unclaim.button": "Give up the review",
        "feedback.review.claim.other": (
            "{name} is reviewing this submission (reserved until {until})."
        ),
        "feedback.review.claim.other_expired": (
            "{name} was reviewing this submission; the reservation expired at {until}."
        ),
        "feedback.review.takeover.button": "Take over …",
        "feedback.review.confirm.title": "Confirm the takeover",
        "feedback.review.confirm.expired": (
            "The reservation of {name} has expired. If you take over, {name} can no longer save. "
            "A saved draft is kept, and you continue with it."
        ),
        "feedback.review.confirm.admin": (
            "{name} is reviewing this submission right now (reserved until {until}). As an admin "
            "you can take it over anyway. {name} can then no longer save; a saved draft is kept."
        ),
        "feedback.review.confirm.button": "Yes, take over",
        "feedback.review.confirm.cancel": "Cancel",
        "feedback.review.closed": (
            "Feedback on the latest version has been released. If the participant submits a new "
            "version, it appears in the queue again."
        ),
        "feedback.editor.title": "Write feedback",
        "feedback.editor.label": "Your feedback",
        "feedback.editor.hint": (
            "Markdown works: **bold**, *italic*, lists with “- ”, links as [text](https://…). At "
            "most {limit} characters. The participant sees the feedback only once you release it."
        ),
        "feedback.editor.save": "Save draft",
        "feedback.editor.preview": "Show preview",
        "feedback.editor.saved_at": "Draft last saved: {when}",
        "feedback.editor.unsaved": "Your unsaved text (to copy)",
        "feedback.draft.other": "Draft by {name}, last saved: {when}",
        "feedback.attachment.title": "Feedback PDF (optional)",
        "feedback.attachment.current": "Attached:",
        "feedback.attachment.none": "No PDF attached.",
        "feedback.attachment.remove": "Remove PDF",
        "feedback.attachment.label": "PDF file",
        "feedback.attachment.hint": (
            "One PDF file up to {limit_mb} MB, for example the submission with your annotations. "
            "It is checked like every submission. A new PDF replaces the previous one."
        ),
        "feedback.attachment.upload": "Attach PDF",
        "feedback.attachment.refused": "The PDF was not attached; your draft is unchanged.",
        "feedback.preview.title": "Preview",
        "feedback.preview.intro": (
            "This is how the participant receives the feedback once released – in the tool and "
            "by email."
        ),
        "feedback.preview.empty": "The draft has no text yet.",
        "feedback.release.explain": (
            "Releasing sends the feedback to {name} in the tool and by email, with the full "
            "text. It cannot be changed afterwards."
        ),
        "feedback.release.explain_pdf": "The feedback PDF is attached to the email.",
        "feedback.release.button": "Release feedback",
        "feedback.release.empty": "There is no feedback text yet. Please write and save it first.",
        "feedback.release.changed": (
            "The draft has changed since the preview, for example in another tab. Please check "
            "the preview again, then release."
        ),
        "feedback.release.new_version": (
            "A new version has been submitted in the meantime. Please look at it and save your "
            "feedback again; it then applies to the new version."
        ),
        "feedback.released.title": "Released feedback",
        "feedback.released.item": "Feedback on version {n}",
        "feedback.released.meta": "by {name}, released {when}",
        "feedback.error.title": "This was not saved",
        "feedback.error.claim_title": "That did not work",
        "feedback.edit.claimed_by_other": (
            "{name} is reviewing this submission now. Your change was not saved."
        ),
        "feedback.edit.not_claimed": (
            "You are not (or no longer) reviewing this submission. Please claim it first; your "
            "change was not saved."
        ),
        "feedback.edit.too_long": (
            "Your feedback has {length} characters, more than the {limit} allowed. Please "
            "shorten it; nothing was saved."
        ),
        "feedback.edit.already_released": "Feedback on this version has already been released.",
        "feedback.claim.closed": (
            "Feedback on this submission has already been released; there is nothing to claim."
        ),
        "feedback.claim.held_by_other": (
            "{name} has already claimed this submission. Two people cannot review it at once."
        ),
        "feedback.claim.lost": "Someone else has just claimed this submission.",
        "feedback.done.claimed": "You have claimed the submission.",
        "feedback.done.renewed": "Your reservation has been extended.",
        "feedback.done.taken_over": "You have taken over the submission.",
        "feedback.done.unclaimed": "You have given up the review.",
        "feedback.done.saved": "Draft saved.",
        "feedback.done.attached": "PDF attached.",
        "feedback.done.attachment_removed": "PDF removed.",
        "feedback.done.released": "Feedback released. The email to the participant is on its way.",
        "feedback.done.already_released": (
            "This feedback had already been released; nothing was sent again."
        ),
        "feedback.learner.title": "Feedback on “{exercise}”",
        "feedback.learner.status": "Status",
        "feedback.learner.pending": (
            "Your feedback is not here yet. Once it is released, you find it here and receive it "
            "by email."
        ),
        "feedback.learner.item": "Feedback on your version {n}",
        "feedback.learner.meta": "by {name}, on {when}",
        "feedback.learner.attachment": "Feedback PDF",
        "feedback.learner.versions": "Your submitted versions",
        "feedback.panel.all": "All feedback on this submission",
        "feedback.gradebook.more": "You find the full feedback in Kurswerk.",
        "feedback.gradebook.more_pdf": (
            "You find the full feedback, with its PDF attachment, in Kurswerk."
        ),
        "feedback.review_missing.title": "Review of a submission",
        "feedback.review_missing.for": "Submission of {name}",
        "feedback.review_missing.none": (
            "{name} has not submitted anything for the exercise “{exercise}” yet."
        ),
        "feedback.review_missing.none_own": (
            "You have not submitted anything for the exercise “{exercise}” yet."
        ),
        "feedback.review_missing.no_exercise": (
            "This gradebook column does not belong to an exercise of this course, so there is "
            "no submission to show here."
        ),
        "feedback.review_missing.to_queue": "To the submissions",
    },
}
