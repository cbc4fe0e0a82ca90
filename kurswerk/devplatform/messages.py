"""Texts of the simulator's pages (German first, English second)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        "sim.name": "LMS-Simulator",
        "sim.skip": "Zum Inhalt springen",
        "sim.breadcrumb": "Brotkrumennavigation",
        "sim.home": "Startseite",
        "sim.my_courses": "Meine Kurse",
        "sim.signed_in_as": "Angemeldet als {name} ({role})",
        "sim.not_signed_in": "Nicht angemeldet",
        "sim.dev_notice": (
            "Dies ist ein simuliertes LMS für Entwicklung und Tests. Es startet Kurswerk "
            "wie Moodle 4.5: mit einem LTI-1.3-Start in einem eingebetteten Rahmen."
        ),
        "sim.choose_title": "Person wählen",
        "sim.choose_legend": "Als wer möchten Sie den Kurs betreten?",
        "sim.choose_submit": "Kurs als diese Person öffnen",
        "sim.activity_title": "Aktivität: {title}",
        "sim.frame_note": (
            "Kurswerk läuft unten in einem eingebetteten Rahmen von einer anderen Website "
            "({origin})."
        ),
        "sim.frame_title": "Eingebettetes Tool: {title}",
        "sim.registration_title": "Registrierung dieser Plattform",
        "sim.registration_intro": (
            "Mit diesen Angaben ist der Simulator in Kurswerk als Plattform eingetragen."
        ),
        "sim.issuer": "Issuer",
        "sim.client_id": "Client-ID",
        "sim.deployment_id": "Deployment-ID",
        "sim.auth_url": "Anmelde-URL (OIDC)",
        "sim.token_url": "Token-URL",
        "sim.jwks_url": "Schlüssel-URL (JWKS)",
        "sim.redirecting_title": "Weiterleitung",
        "sim.redirecting_to_tool": "Sie werden zu Kurswerk weitergeleitet.",
        "sim.redirecting_hint": "Falls nichts passiert, wählen Sie „Weiter“.",
        "sim.continue": "Weiter",
        "sim.refused_title": "Anfrage abgelehnt",
        "sim.refused_intro": "Der LMS-Simulator hat die Anmeldeanfrage des Tools abgelehnt.",
        "sim.status": "Fehlercode {status}",
        "sim.not_found": "Diese Person gibt es in diesem Kurs nicht.",
        "sim.not_logged_in": "Sie sind im LMS nicht angemeldet: Wählen Sie auf der Kursseite, "
        "wer Sie sind, und öffnen Sie die Aktivität dann erneut.",
        "sim.storage_frame_title": "Plattform-Speicher für Tools (unsichtbar)",
        "sim.returned_title": "Zurück aus Kurswerk",
        "sim.returned_message": "Nachricht des Tools:",
        "sim.returned_error": "Fehlermeldung des Tools:",
        "sim.back_to_course": "Zur Kursseite",
        "sim.course_nav": "Kursnavigation",
        "sim.nav.course": "Kurs",
        "sim.nav.gradebook": "Bewertungen",
        "sim.nav.roster": "Teilnehmer/innen",
        "sim.nav.tools": "Externe Tools",
        "sim.nav.mails": "Postausgang (Demo)",
        "sim.mails_title": "Postausgang (Demo)",
        "sim.mails_intro": (
            "Alle E-Mails, die Kurswerk in dieser Demo verschickt hat, fängt ein lokaler "
            "SMTP-Server ab; die neueste steht oben."
        ),
        "sim.mails_empty": "Noch keine E-Mails.",
        "sim.mails_not_catching": (
            "In dieser Sitzung läuft kein Demo-Postfach: KURSWERK_SMTP_URL zeigt auf einen "
            "eigenen SMTP-Server."
        ),
        "sim.mail_time": "Zeit",
        "sim.mail_from": "Von",
        "sim.mail_to": "An",
        "sim.mail_subject": "Betreff",
        "sim.mail_no_subject": "(ohne Betreff)",
        "sim.mail_back": "Zurück zum Postausgang",
        "sim.mail_text_part": "Textfassung",
        "sim.mail_html_part": "HTML-Fassung",
        "sim.mail_html_note": (
            "Abgeschottet angezeigt: ohne Skripte und ohne Zugriff auf diese Seite."
        ),
        "sim.mail_part_missing": "Diese E-Mail hat keinen solchen Teil.",
        "sim.mail_unknown": "Diese E-Mail gibt es (nicht mehr) im Demo-Postausgang.",
        "sim.links_title": "Kurswerk-Aktivitäten in diesem Kurs",
        "sim.graded": "mit Bewertung",
        "sim.deep_link_button": "Kurswerk-Inhalt hinzufügen",
        "sim.deep_link_title": "Kurswerk-Inhalt auswählen",
        "sim.teachers_only": "Nur Lehrende können Inhalte hinzufügen.",
        "sim.deep_link_done_title": "Inhalte übernommen",
        "sim.deep_link_added": "{count} Aktivität(en) wurden dem Kurs hinzugefügt:",
        "sim.deep_link_none": "Es wurde nichts hinzugefügt.",
        "sim.gradebook_title": "Bewertungen",
        "sim.gradebook_choose": "Die Bewertungsübersicht sehen nur Lehrende. Als wer?",
        "sim.gradebook_empty": (
            "Noch keine Bewertungsspalten. Sie entstehen, wenn ein Tool eine anlegt oder eine "
            "Aktivität mit Bewertung hinzugefügt wird."
        ),
        "sim.refresh": "Aktualisieren",
        "sim.column_meta": "Höchstpunktzahl {maximum} · Ressource {resource}",
        "sim.learner": "Teilnehmer/in",
        "sim.score": "Bewertung",
        "sim.progress": "Stand",
        "sim.comment": "Feedback",
        "sim.review": "Abgabe",
        "sim.review_button": "Abgabe von {name} ansehen",
        "sim.review_title": "Abgabe ansehen",
        "sim.roster_title": "Teilnehmer/innen",
        "sim.roster_intro": (
            "So listet der Dienst „Names and Role Provisioning“ den Kurs (je Seite {size})."
        ),
        "sim.learner_name": "Name",
        "sim.email": "E-Mail",
        "sim.roles": "Rollen",
        "sim.user_id": "Benutzer-ID",
        "sim.tools_title": "Externe Tools",
        "sim.tools_intro": (
            "Ein Tool per Dynamic Registration eintragen: Der Simulator öffnet die "
            "Registrierungs-URL des Tools mit seiner OpenID-Konfiguration."
        ),
        "sim.tools_start": "Kurswerk registrieren",
        "sim.tools_frame_title": "Registrierung beim Tool",
        "sim.tools_done": "Das Tool hat die Registrierung abgeschlossen.",
        "sim.tools_registered": "Registriertes Tool",
        "sim.tool_name": "Name",
        "sim.granted_scopes": "Gewährte Dienste",
        "sim.messages": "Nachrichten",
        "sim.tools_none": "Noch kein Tool per Dynamic Registration registriert.",
    },
    "en": {
        "sim.name": "LMS simulator",
        "sim.skip": "Skip to content",
        "sim.breadcrumb": "Breadcrumb",
        "sim.home": "Home",
        "sim.my_courses": "My courses",
        "sim.signed_in_as": "Signed in as {name} ({role})",
        "sim.not_signed_in": "Not signed in",
        "sim.dev_notice": (
            "This is a simulated LMS for development and tests. It launches Kurswerk like "
            "Moodle 4.5: with an LTI 1.3 launch in an embedded frame."
        ),
        "sim.choose_title": "Choose a person",
        "sim.choose_legend": "Who do you want to enter the course as?",
        "sim.choose_submit": "Open the course as this person",
        "sim.activity_title": "Activity: {title}",
        "sim.frame_note": "Kurswerk runs below in an embedded frame from another site ({origin}).",
        "sim.frame_title": "Embedded tool: {title}",
        "sim.registration_title": "Registration of this platform",
        "sim.registration_intro": "Kurswerk knows the simulator as a platform by these values.",
        "sim.issuer": "Issuer",
        "sim.client_id": "Client ID",
        "sim.deployment_id": "Deployment ID",
        "sim.auth_url": "Login URL (OIDC)",
        "sim.token_url": "Token URL",
        "sim.jwks_url": "Key set URL (JWKS)",
        "sim.redirecting_title": "Redirecting",
        "sim.redirecting_to_tool": "You are being redirected to Kurswerk.",
        "sim.redirecting_hint": "If nothing happens, choose “Continue”.",
        "sim.continue": "Continue",
        "sim.refused_title": "Request refused",
        "sim.refused_intro": "The LMS simulator refused the tool's login request.",
        "sim.status": "Error code {status}",
        "sim.not_found": "There is no such person in this course.",
        "sim.not_logged_in": "You are not logged in to the LMS: choose who you are on the "
        "course page, then open the activity again.",
        "sim.storage_frame_title": "Platform storage for tools (invisible)",
        "sim.returned_title": "Back from Kurswerk",
        "sim.returned_message": "Message from the tool:",
        "sim.returned_error": "Error message from the tool:",
        "sim.back_to_course": "Back to the course page",
        "sim.course_nav": "Course navigation",
        "sim.nav.course": "Course",
        "sim.nav.gradebook": "Grades",
        "sim.nav.roster": "Participants",
        "sim.nav.tools": "External tools",
        "sim.nav.mails": "Outbox (demo)",
        "sim.mails_title": "Outbox (demo)",
        "sim.mails_intro": (
            "A local SMTP server catches every email Kurswerk sends in this demo; the "
            "newest is on top."
        ),
        "sim.mails_empty": "No emails yet.",
        "sim.mails_not_catching": (
            "No demo mailbox runs in this session: KURSWERK_SMTP_URL points to an SMTP "
            "server of your own."
        ),
        "sim.mail_time": "Time",
        "sim.mail_from": "From",
        "sim.mail_to": "To",
        "sim.mail_subject": "Subject",
        "sim.mail_no_subject": "(no subject)",
        "sim.mail_back": "Back to the outbox",
        "sim.mail_text_part": "Text version",
        "sim.mail_html_part": "HTML version",
        "sim.mail_html_note": "Shown sealed off: no scripts, no access to this page.",
        "sim.mail_part_missing": "This email has no such part.",
        "sim.mail_unknown": "This email is not (or no longer) in the demo outbox.",
        "sim.links_title": "Kurswerk activities in this course",
        "sim.graded": "graded",
        "sim.deep_link_button": "Add Kurswerk content",
        "sim.deep_link_title": "Choose Kurswerk content",
        "sim.teachers_only": "Only teachers can add content.",
        "sim.deep_link_done_title": "Content added",
        "sim.deep_link_added": "{count} activity(ies) were added to the course:",
        "sim.deep_link_none": "Nothing was added.",
        "sim.gradebook_title": "Grades",
        "sim.gradebook_choose": "Only teachers see the gradebook. As whom?",
        "sim.gradebook_empty": (
            "No grade columns yet. They appear when a tool creates one or a graded activity is "
            "added."
        ),
        "sim.refresh": "Refresh",
        "sim.column_meta": "Maximum {maximum} · resource {resource}",
        "sim.learner": "Learner",
        "sim.score": "Grade",
        "sim.progress": "Progress",
        "sim.comment": "Feedback",
        "sim.review": "Submission",
        "sim.review_button": "View {name}'s submission",
        "sim.review_title": "View submission",
        "sim.roster_title": "Participants",
        "sim.roster_intro": (
            "How the Names and Role Provisioning service lists the course ({size} per page)."
        ),
        "sim.learner_name": "Name",
        "sim.email": "Email",
        "sim.roles": "Roles",
        "sim.user_id": "User ID",
        "sim.tools_title": "External tools",
        "sim.tools_intro": (
            "Register a tool by Dynamic Registration: the simulator opens the tool's "
            "registration URL with its OpenID configuration."
        ),
        "sim.tools_start": "Register Kurswerk",
        "sim.tools_frame_title": "Registration at the tool",
        "sim.tools_done": "The tool has completed the registration.",
        "sim.tools_registered": "Registered tool",
        "sim.tool_name": "Name",
        "sim.granted_scopes": "Services granted",
        "sim.messages": "Messages",
        "sim.tools_none": "No tool registered by Dynamic Registration yet.",
    },
}
