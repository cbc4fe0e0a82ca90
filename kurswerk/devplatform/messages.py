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
        "sim.returned_title": "Zurück aus Kurswerk",
        "sim.returned_message": "Nachricht des Tools:",
        "sim.returned_error": "Fehlermeldung des Tools:",
        "sim.back_to_course": "Zur Kursseite",
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
        "sim.returned_title": "Back from Kurswerk",
        "sim.returned_message": "Message from the tool:",
        "sim.returned_error": "Error message from the tool:",
        "sim.back_to_course": "Back to the course page",
    },
}
