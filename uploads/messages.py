"""Texts of submitting (German first, English second): the upload panel and form, the
learner's receipt, list and detail pages, the tutors' mail settings, and the refusals
of ``uploads.submissions``. Registered by the composition root (``kurswerk.wiring``); the
refusals of the file itself live in ``kurswerk/core/files/messages.py`` (``upload.rejected.*``).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        # status: eingereicht -> in Bearbeitung -> Feedback erhalten
        "submission.status.submitted": "eingereicht",
        "submission.status.in_review": "in Bearbeitung",
        "submission.status.feedback_released": "Feedback erhalten",
        "submission.status_label": "Status",
        "submission.status_help.submitted": (
            "Ihre Datei ist angekommen und wartet auf Ihre Lehrperson."
        ),
        "submission.status_help.in_review": "Ihre Lehrperson arbeitet an Ihrem Feedback.",
        "submission.status_help.feedback_released": (
            "Ihr Feedback ist freigegeben: Sie finden es bei der Einreichung und in Ihrer E-Mail."
        ),
        # facts
        "submission.exercise": "Übung",
        "submission.industry": "Branche",
        "submission.file": "Datei",
        "submission.pages": "{pages} Seiten",
        "submission.pages_one": "1 Seite",
        "submission.version": "Fassung",
        "submission.versions": "Fassungen",
        "submission.received_at": "Eingegangen am",
        "submission.last_submitted": "Zuletzt eingereicht",
        "submission.feedback_by": "Feedback bis",
        "submission.feedback_by_value": ("voraussichtlich {day} (innerhalb von {days} Werktagen)"),
        "submission.feedback_by_short": "voraussichtlich {day}",
        "submission.sla": (
            "Sie erhalten ein schriftliches Feedback innerhalb von {days} Werktagen nach dem "
            "Einreichen – im Tool und per E-Mail."
        ),
        "submission.back_to_exercise": "Zurück zur Übung",
        # quota
        "submission.quota.unlimited": (
            "Ihr Coaching-Paket „{package}“ umfasst Feedback auf beliebig viele Einreichungen."
        ),
        "submission.quota.remaining": (
            "Ihr Coaching-Paket „{package}“: noch {remaining} von {quota} Feedbacks frei. "
            "Eine neue Fassung derselben Übung zählt nicht extra."
        ),
        "submission.quota_exhausted": (
            "Ihr Coaching-Paket ist ausgeschöpft: Es umfasst Feedback auf {quota} "
            "Einreichungen, und die haben Sie alle genutzt. Neue Fassungen bereits "
            "eingereichter Übungen sind weiter möglich. Für weitere Einreichungen wenden Sie "
            "sich bitte an Ihre Kursleitung."
        ),
        # the panel on the exercise page
        "submission.panel.title": "Lösung einreichen und Feedback erhalten",
        "submission.panel.pick_industry": (
            "Wählen Sie oben eine Branche und lassen Sie sich die Aufgabe anzeigen. Danach "
            "können Sie hier Ihre Lösung für diese Branche einreichen."
        ),
        "submission.panel.existing": (
            "Sie haben zu dieser Aufgabe bereits eingereicht (Fassung {version}, {when})."
        ),
        "submission.panel.view_existing": "Ihre Einreichung ansehen",
        "submission.panel.resubmit_free": (
            "Sie können eine neue Fassung hochladen. Frühere Fassungen bleiben erhalten; "
            "Ihre Lehrperson gibt Feedback auf die neueste."
        ),
        "submission.panel.tutor_note": (
            "Lernende mit Coaching-Paket sehen hier ein Formular, mit dem sie ihre Lösung "
            "als PDF einreichen."
        ),
        "submission.offer.intro": (
            "Mit einem Coaching-Paket können Sie Ihre Lösung als PDF einreichen und erhalten "
            "ein schriftliches Feedback Ihrer Lehrperson – im Tool und per E-Mail."
        ),
        "submission.offer.unlimited": "Feedback auf beliebig viele Einreichungen",
        "submission.offer.quota": "Feedback auf {quota} Einreichungen",
        "submission.offer.office_hours": "{hours} Sprechstunde(n) im Monat",
        "submission.offer.how": (
            "So erhalten Sie ein Coaching-Paket: Wenden Sie sich an Ihre Kursleitung. "
            "Sobald Ihr Paket freigeschaltet ist, erscheint hier das Formular zum Hochladen."
        ),
        # the form
        "submission.form.page_title": "Lösung einreichen",
        "submission.form.error_page_title": "Fehler: Lösung einreichen",
        "submission.form.file": "Ihre Lösung als PDF-Datei",
        "submission.form.file_hint": "Genau eine PDF-Datei, höchstens {limit_mb} MB.",
        "submission.form.note": "Worauf soll sich das Feedback konzentrieren?",
        "submission.form.optional": "(optional)",
        "submission.form.note_hint": (
            "Zum Beispiel eine Frage oder ein Teil Ihrer Lösung, bei dem Sie unsicher sind."
        ),
        "submission.form.submit": "Lösung einreichen",
        "submission.form.submit_again": "Neue Fassung einreichen",
        "submission.form.error_title": "Ihre Datei wurde nicht angenommen",
        "submission.form.error_prefix": "Fehler:",
        "submission.form.nothing_stored": (
            "Es wurde nichts gespeichert. Bitte wählen Sie die Datei erneut aus."
        ),
        # receipt
        "submission.receipt.title": "Ihre Einreichung ist eingegangen",
        "submission.receipt.intro": (
            "Vielen Dank! Wir haben Fassung {version} Ihrer Lösung erhalten und geprüft."
        ),
        "submission.receipt.mailed": "Eine Eingangsbestätigung geht per E-Mail an {email}.",
        "submission.receipt.no_email": (
            "Ihr LMS hat uns keine E-Mail-Adresse übermittelt. Diese Seite ist Ihre "
            "Bestätigung; den Stand sehen Sie jederzeit unter „Meine Einreichungen“."
        ),
        "submission.receipt.to_detail": "Einreichung mit allen Fassungen ansehen",
        # list and detail
        "submission.list.title": "Meine Einreichungen",
        "submission.list.link": "Meine Einreichungen",
        "submission.list.caption": "Ihre Einreichungen mit Übung, Branche, Fassungen und Status",
        "submission.list.empty": "Sie haben noch keine Lösung eingereicht.",
        "submission.list.status_help": "Was der Status bedeutet",
        "submission.detail.title": "Einreichung",
        "submission.detail.versions": "Fassungen",
        "submission.detail.version": "Fassung {version}",
        "submission.detail.latest": "neueste",
        "submission.detail.download": "Fassung {version} herunterladen",
        "submission.detail.resubmit": "Neue Fassung einreichen",
        # tutors' mail settings
        "submission.settings.link": "E-Mails über neue Einreichungen einstellen",
        "submission.settings.title": "E-Mails über neue Einreichungen",
        "submission.settings.legend": "Wie möchten Sie von neuen Einreichungen erfahren?",
        "submission.settings.mode.each": "Eine E-Mail je Einreichung",
        "submission.settings.mode.daily": "Eine Tagesübersicht",
        "submission.settings.hint.each": "Sie erhalten sofort eine E-Mail, wenn jemand einreicht.",
        "submission.settings.hint.daily": (
            "Sie erhalten einmal am Tag (ab {hour} Uhr) eine E-Mail mit allen neuen "
            "Einreichungen – nur an Tagen, an denen es welche gibt."
        ),
        "submission.settings.save": "Speichern",
        "submission.settings.saved": "Ihre Einstellung ist gespeichert.",
        "submission.settings.tutors_only": (
            "Diese Einstellung gibt es nur für Lehrpersonen dieses Kurses."
        ),
        "submission.settings.bad_mode": "Bitte wählen Sie eine der angebotenen Möglichkeiten.",
        # refusals
        "submission.exercise_not_found": "Diese Übung gibt es in Ihrem Kurs nicht (mehr).",
        "submission.industry_not_found": (
            "Für diese Übung gibt es keine Aufgabe in dieser Branche. Bitte wählen Sie die "
            "Branche auf der Seite der Übung."
        ),
        "submission.no_package": (
            "Einreichen können nur Teilnehmende mit einem Coaching-Paket. Wenden Sie sich an "
            "Ihre Kursleitung, wenn Sie ein Paket erhalten möchten. Es wurde nichts gespeichert."
        ),
        "submission.bad_key": (
            "Das Formular ist unvollständig. Bitte laden Sie die Seite der Übung neu und "
            "reichen Sie Ihre Lösung dort ein."
        ),
        "submission.key_taken": (
            "Dieses Formular wurde bereits verwendet. Bitte laden Sie die Seite der Übung "
            "neu und reichen Sie Ihre Lösung dort ein."
        ),
        "submission.not_found": "Diese Einreichung gibt es nicht.",
    },
    "en": {
        "submission.status.submitted": "submitted",
        "submission.status.in_review": "in review",
        "submission.status.feedback_released": "feedback received",
        "submission.status_label": "Status",
        "submission.status_help.submitted": "Your file has arrived and is waiting for your tutor.",
        "submission.status_help.in_review": "Your tutor is working on your feedback.",
        "submission.status_help.feedback_released": (
            "Your feedback has been released: you find it with the submission and in your email."
        ),
        "submission.exercise": "Exercise",
        "submission.industry": "Industry",
        "submission.file": "File",
        "submission.pages": "{pages} pages",
        "submission.pages_one": "1 page",
        "submission.version": "Version",
        "submission.versions": "Versions",
        "submission.received_at": "Received",
        "submission.last_submitted": "Last submitted",
        "submission.feedback_by": "Feedback by",
        "submission.feedback_by_value": "expected by {day} (within {days} working days)",
        "submission.feedback_by_short": "expected by {day}",
        "submission.sla": (
            "You receive written feedback within {days} working days of submitting – in the "
            "tool and by email."
        ),
        "submission.back_to_exercise": "Back to the exercise",
        "submission.quota.unlimited": (
            "Your coaching package “{package}” includes feedback on any number of submissions."
        ),
        "submission.quota.remaining": (
            "Your coaching package “{package}”: {remaining} of {quota} feedbacks left. A new "
            "version of the same exercise does not count again."
        ),
        "submission.quota_exhausted": (
            "Your coaching package is used up: it includes feedback on {quota} submissions, "
            "and you have used them all. New versions of exercises you already submitted are "
            "still possible. For more submissions, please contact your course lead."
        ),
        "submission.panel.title": "Submit your solution and get feedback",
        "submission.panel.pick_industry": (
            "Choose an industry above and show its task. Then you can submit your solution "
            "for that industry here."
        ),
        "submission.panel.existing": (
            "You have already submitted for this task (version {version}, {when})."
        ),
        "submission.panel.view_existing": "View your submission",
        "submission.panel.resubmit_free": (
            "You can upload a new version. Earlier versions are kept; your tutor gives "
            "feedback on the latest."
        ),
        "submission.panel.tutor_note": (
            "Learners with a coaching package see a form here to submit their solution as a PDF."
        ),
        "submission.offer.intro": (
            "With a coaching package you can submit your solution as a PDF and receive written "
            "feedback from your tutor – in the tool and by email."
        ),
        "submission.offer.unlimited": "feedback on any number of submissions",
        "submission.offer.quota": "feedback on {quota} submissions",
        "submission.offer.office_hours": "{hours} office hour(s) per month",
        "submission.offer.how": (
            "How to get a coaching package: please contact your course lead. Once your package "
            "is active, the upload form appears here."
        ),
        "submission.form.page_title": "Submit your solution",
        "submission.form.error_page_title": "Error: submit your solution",
        "submission.form.file": "Your solution as a PDF file",
        "submission.form.file_hint": "Exactly one PDF file, at most {limit_mb} MB.",
        "submission.form.note": "What should the feedback focus on?",
        "submission.form.optional": "(optional)",
        "submission.form.note_hint": (
            "For example a question, or a part of your solution you are unsure about."
        ),
        "submission.form.submit": "Submit solution",
        "submission.form.submit_again": "Submit a new version",
        "submission.form.error_title": "Your file was not accepted",
        "submission.form.error_prefix": "Error:",
        "submission.form.nothing_stored": ("Nothing was stored. Please choose the file again."),
        "submission.receipt.title": "Your submission has arrived",
        "submission.receipt.intro": (
            "Thank you! We have received and checked version {version} of your solution."
        ),
        "submission.receipt.mailed": "A confirmation is being sent by email to {email}.",
        "submission.receipt.no_email": (
            "Your LMS did not give us an email address. This page is your confirmation; you "
            "can always see the state under “My submissions”."
        ),
        "submission.receipt.to_detail": "View the submission with all versions",
        "submission.list.title": "My submissions",
        "submission.list.link": "My submissions",
        "submission.list.caption": "Your submissions with exercise, industry, versions and status",
        "submission.list.empty": "You have not submitted a solution yet.",
        "submission.list.status_help": "What the status means",
        "submission.detail.title": "Submission",
        "submission.detail.versions": "Versions",
        "submission.detail.version": "Version {version}",
        "submission.detail.latest": "latest",
        "submission.detail.download": "Download version {version}",
        "submission.detail.resubmit": "Submit a new version",
        "submission.settings.link": "Choose emails about new submissions",
        "submission.settings.title": "Emails about new submissions",
        "submission.settings.legend": "How would you like to hear of new submissions?",
        "submission.settings.mode.each": "One email per submission",
        "submission.settings.mode.daily": "A daily digest",
        "submission.settings.hint.each": "You get an email as soon as someone submits.",
        "submission.settings.hint.daily": (
            "You get one email a day (from {hour}:00) listing all new submissions – only on "
            "days that have some."
        ),
        "submission.settings.save": "Save",
        "submission.settings.saved": "Your choice has been saved.",
        "submission.settings.tutors_only": "This setting exists only for tutors of this course.",
        "submission.settings.bad_mode": "Please choose one of the options offered.",
        "submission.exercise_not_found": "This exercise does not exist (any more) in your course.",
        "submission.industry_not_found": (
            "This exercise has no task for that industry. Please choose the industry on the "
            "exercise page."
        ),
        "submission.no_package": (
            "Only participants with a coaching package can submit. Please contact your course "
            "lead if you would like a package. Nothing was stored."
        ),
        "submission.bad_key": (
            "The form is incomplete. Please reload the exercise page and submit your solution "
            "there."
        ),
        "submission.key_taken": (
            "This form has been used already. Please reload the exercise page and submit your "
            "solution there."
        ),
        "submission.not_found": "This submission does not exist.",
    },
}
