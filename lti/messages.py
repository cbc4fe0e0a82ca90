"""Texts of the LTI domain (German first, English second); registered by ``lti.routes``."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        "lti.error.launch": "Der Start aus dem LMS ist fehlgeschlagen.",
        "lti.error.launch.help": "Bitte starten Sie Kurswerk erneut aus Ihrem Kurs.",
        "lti.error.missing_parameters": "Dem Start aus dem LMS fehlen Angaben: {fields}.",
        "lti.error.missing_parameters.help": (
            "Starten Sie Kurswerk über den Link in Ihrem Kurs, nicht über ein Lesezeichen. "
            "Bleibt der Fehler, prüfen Sie in der LMS-Werkzeugkonfiguration die "
            "Login-URL (…/lti/login) und die Redirect-URL (…/lti/launch)."
        ),
        "lti.error.bad_form": "Die Startanfrage des LMS ist kein gültiges Formular.",
        "lti.error.bad_form.help": (
            "Die Anfrage muss als application/x-www-form-urlencoded gesendet werden. "
            "Prüfen Sie, ob ein Proxy die Anfrage verändert."
        ),
        "lti.error.too_large": "Die Startanfrage ist zu groß.",
        "lti.error.too_large.help": (
            "Das id_token darf höchstens 32 KB groß sein. Prüfen Sie, ob das LMS ungewöhnlich "
            "viele benutzerdefinierte Parameter oder Claims mitsendet."
        ),
        "lti.error.unknown_issuer": "Diese LMS-Plattform ist nicht registriert ({issuer}).",
        "lti.error.unknown_issuer.help": (
            "Ein Administrator muss die Plattform mit „kurswerk platform add --issuer …“ "
            "registrieren. Der Issuer muss genau (Groß-/Kleinschreibung, Schrägstrich am "
            "Ende) dem Wert entsprechen, den das LMS als „Platform ID“ anzeigt."
        ),
        "lti.error.unknown_client_id": (
            "Die Client-ID {client_id} ist für diese Plattform nicht registriert."
        ),
        "lti.error.unknown_client_id.help": (
            "Vergleichen Sie die Client-ID der Werkzeugkonfiguration im LMS mit "
            "„kurswerk platform list“ und registrieren Sie sie gegebenenfalls mit "
            "„kurswerk platform add --client-id …“."
        ),
        "lti.error.client_id_required": (
            "Für diese Plattform sind mehrere Client-IDs registriert, die Startanfrage nennt "
            "aber keine."
        ),
        "lti.error.client_id_required.help": (
            "Das LMS muss beim Login den Parameter client_id mitsenden (LTI 1.3 empfiehlt es)."
        ),
        "lti.error.unknown_deployment": (
            "Die Deployment-ID {deployment_id} ist für diese Plattform nicht registriert."
        ),
        "lti.error.unknown_deployment.help": (
            "Fügen Sie die Deployment-ID aus der Werkzeugkonfiguration des LMS mit "
            "„kurswerk platform add … --deployment-id …“ hinzu (bestehende Einträge bleiben)."
        ),
        "lti.error.wrong_target": "Das Startziel {target} gehört nicht zu Kurswerk.",
        "lti.error.wrong_target.help": (
            "Die Tool-URL im LMS muss auf diese Kurswerk-Adresse ({origin}) zeigen. Prüfen "
            "Sie auch KURSWERK_BASE_URL."
        ),
        "lti.error.invalid_token": "Das id_token des LMS ist kein gültiges JWT.",
        "lti.error.invalid_token.help": (
            "Starten Sie Kurswerk erneut aus dem Kurs. Bleibt der Fehler, prüfen Sie die "
            "LTI-1.3-Konfiguration der Plattform."
        ),
        "lti.error.invalid_signature": "Die Signatur des Starts ist ungültig.",
        "lti.error.invalid_signature.help": (
            "Kurswerk akzeptiert nur RS256-signierte Starts, deren Schlüssel unter der "
            "registrierten Keyset-URL veröffentlicht ist. Prüfen Sie die Keyset-URL mit "
            "„kurswerk platform list“."
        ),
        "lti.error.unknown_key": (
            "Der Signaturschlüssel {kid} ist im Keyset der Plattform nicht zu finden."
        ),
        "lti.error.unknown_key.help": (
            "Prüfen Sie, ob die registrierte Keyset-URL ({keyset_url}) zur Plattform gehört, "
            "die den Start signiert hat. Nach einem Schlüsselwechsel im LMS lädt Kurswerk das "
            "Keyset einmal neu; bleibt der Fehler, versuchen Sie es in einer Minute erneut."
        ),
        "lti.error.keyset_unavailable": "Das Keyset der Plattform ist nicht abrufbar.",
        "lti.error.keyset_unavailable.help": (
            "Kurswerk konnte {keyset_url} nicht laden oder lesen. Prüfen Sie die URL und ob "
            "der Kurswerk-Server die Plattform erreichen kann."
        ),
        "lti.error.wrong_audience": "Der Start ist nicht an Kurswerk adressiert.",
        "lti.error.wrong_audience.help": (
            "aud bzw. azp des id_tokens müssen die registrierte Client-ID enthalten. Prüfen "
            "Sie die Client-ID in der Werkzeugkonfiguration des LMS."
        ),
        "lti.error.expired": "Der Start ist abgelaufen.",
        "lti.error.expired.help": (
            "Zwischen Login und Start ist zu viel Zeit vergangen. Starten Sie Kurswerk erneut "
            "aus dem Kurs. Tritt das ständig auf, prüfen Sie die Uhrzeit (NTP) der Server."
        ),
        "lti.error.issued_in_future": "Der Start ist auf einen Zeitpunkt in der Zukunft datiert.",
        "lti.error.issued_in_future.help": (
            "Die Uhren von LMS und Kurswerk gehen auseinander. Prüfen Sie die Zeitsynchronisation "
            "(NTP) beider Server."
        ),
        "lti.error.replayed": "Dieser Start wurde bereits verwendet.",
        "lti.error.replayed.help": (
            "Jeder Start gilt nur einmal (Schutz gegen Wiederholung). Laden Sie nicht die "
            "Startseite neu, sondern starten Sie Kurswerk erneut aus dem Kurs."
        ),
        "lti.error.state_mismatch": "Der Start passt nicht zu einem Login in diesem Browser.",
        "lti.error.state_mismatch.help": (
            "Login und Start müssen im selben Browserfenster stattfinden. Starten Sie Kurswerk "
            "erneut aus dem Kurs; blockiert Ihr Browser Cookies von Drittanbietern, öffnen Sie "
            "Kurswerk in einem neuen Fenster."
        ),
        "lti.error.missing_claim": "Dem Start fehlt die Angabe {claim}.",
        "lti.error.missing_claim.help": (
            "Das LMS muss diese Angabe nach LTI 1.3 mitsenden. Prüfen Sie die "
            "Werkzeugkonfiguration und die Datenschutzeinstellungen des LMS."
        ),
        "lti.error.invalid_claim": "Die Angabe {claim} im Start ist ungültig.",
        "lti.error.invalid_claim.help": (
            "Der Wert entspricht nicht LTI 1.3 (Typ oder Länge). Prüfen Sie die "
            "Werkzeugkonfiguration des LMS."
        ),
        "lti.error.message_type": "Die Startart {message_type} wird nicht unterstützt.",
        "lti.error.message_type.help": (
            "Kurswerk unterstützt LtiResourceLinkRequest, LtiDeepLinkingRequest und "
            "LtiSubmissionReviewRequest. Legen Sie Kurswerk im Kurs als externes Werkzeug "
            "(Aktivität) an."
        ),
        "lti.error.wrong_version": "Die LTI-Version {version} wird nicht unterstützt.",
        "lti.error.wrong_version.help": (
            "Kurswerk spricht LTI 1.3.0. Stellen Sie die Werkzeugkonfiguration im LMS auf "
            "LTI 1.3 um."
        ),
        "lti.error.missing_context": "Der Start kommt nicht aus einem Kurs.",
        "lti.error.missing_context.help": (
            "Kurswerk braucht den Kurs (Context-Claim), um Inhalte und Abgaben zuzuordnen. "
            "Starten Sie Kurswerk aus einer Kursaktivität, nicht aus dem Seitenmenü oder "
            "dem Benutzerprofil."
        ),
        "lti.cookies.title": "Kurswerk in einem neuen Fenster öffnen",
        "lti.cookies.lead": (
            "Ihr Browser hat in diesem eingebetteten Fenster ein für die sichere Anmeldung "
            "nötiges Cookie blockiert."
        ),
        "lti.cookies.explain": (
            "Das passiert, wenn Cookies von Drittanbietern gesperrt sind. In einem eigenen "
            "Fenster funktioniert die Anmeldung. Ihre Daten werden dabei nur an Kurswerk und "
            "Ihr LMS übertragen."
        ),
        "lti.cookies.button": "Kurswerk in neuem Fenster öffnen",
        "lti.cookies.new_window_hint": "(öffnet ein neues Fenster)",
        "lti.storage.title": "Anmeldung bei Kurswerk …",
        "lti.storage.continue": "Weiter",
        # --- LTI Advantage ---------------------------------------------------------
        "lti.deep_link.title": "Kurswerk-Inhalt in den Kurs einfügen",
        "lti.deep_link.lead_single": (
            "Wählen Sie den Ort in Kurswerk, zu dem der neue Link im LMS-Kurs führen soll."
        ),
        "lti.deep_link.lead_multiple": (
            "Wählen Sie einen oder mehrere Orte in Kurswerk; für jeden entsteht im LMS-Kurs "
            "ein eigener Link."
        ),
        "lti.deep_link.group.course": "Kurs",
        "lti.deep_link.group.lesson": "Lektionen",
        "lti.deep_link.group.exercise": "Übungen",
        "lti.deep_link.group.forum": "Foren der Lektionen",
        "lti.deep_link.graded": "mit Spalte in der Bewertungsübersicht",
        "lti.deep_link.add": "Einfügen",
        "lti.deep_link.cancel": "Abbrechen",
        "lti.deep_link.returning": "Zurück zum LMS",
        "lti.deep_link.returning_lead": (
            "{count} Link(s) werden an Ihr LMS übergeben. Falls nichts passiert, wählen Sie "
            "„Weiter“."
        ),
        "lti.deep_link.continue": "Weiter",
        "lti.deep_link.msg": "{count} Kurswerk-Inhalt(e) eingefügt",
        "lti.deep_link.gone": (
            "Diese Auswahl ist abgelaufen oder wurde schon an das LMS übergeben. Starten Sie "
            "das Einfügen im LMS erneut."
        ),
        "lti.deep_link.unknown_target": "Der gewählte Ort gehört nicht zu diesem Kurs.",
        "lti.deep_link.choose_one": "Bitte wählen Sie mindestens einen Ort.",
        "lti.deep_link.only_one": "Ihr LMS nimmt hier nur einen Link an. Bitte wählen Sie einen.",
        "lti.deep_link.not_accepted": (
            "Ihr LMS nimmt an dieser Stelle keine LTI-Links an. Sie können nur abbrechen."
        ),
        "lti.deep_link.instructors_only": (
            "Inhalte in den Kurs einfügen können nur Lehrende und Administratoren."
        ),
        "lti.review.title": "Einsicht in eine Abgabe",
        "lti.review.for": "Abgabe von {name}",
        "lti.review.unavailable": (
            "Die Einsicht in Abgaben und Feedback aus der Bewertungsübersicht ist hier nicht "
            "verfügbar."
        ),
        "lti.review.to_course": "Zum Kurs",
        "lti.review.own_only": "Sie können nur Ihre eigene Abgabe einsehen.",
        "lti.roster.title": "Teilnehmende laut LMS",
        "lti.roster.count": "{count} Personen",
        "lti.roster.name": "Name",
        "lti.roster.email": "E-Mail",
        "lti.roster.lms_roles": "Rollen im LMS",
        "lti.roster.role": "Rolle in Kurswerk",
        "lti.roster.status": "Status",
        "lti.roster.coaching_admin": "Coaching-Pakete aus dieser Liste vergeben",
        "lti.roster.coaching_tutor": "Coaching-Pakete der Teilnehmenden ansehen",
        "lti.roster.not_granted": (
            "Die LMS-Plattform hat Kurswerk den Zugriff auf die Teilnehmendenliste (Names and "
            "Role Provisioning Services) nicht gewährt. Ein LMS-Administrator kann ihn in der "
            "Werkzeugkonfiguration freigeben."
        ),
        "lti.roster.no_service": (
            "Dieser LMS-Kurs bietet keine Teilnehmendenliste an (kein NRPS-Claim im Start). "
            "Aktivieren Sie in der Werkzeugkonfiguration des LMS den Dienst „Names and Role "
            "Provisioning“ und starten Sie Kurswerk erneut aus dem Kurs."
        ),
        "lti.roster.unreachable": (
            "Das LMS ist gerade nicht erreichbar oder hat einen Fehler gemeldet. Versuchen Sie "
            "es später erneut."
        ),
        "lti.roster.refused": "Das LMS hat die Abfrage der Teilnehmendenliste abgelehnt.",
        "lti.roster.not_authorised": (
            "Das LMS hat Kurswerks Zugangsdaten abgelehnt. Prüfen Sie die Registrierung "
            "(Client-ID, Token-URL) und die Schlüssel-URL …/lti/jwks."
        ),
        "lti.role.learner": "Teilnehmende/r",
        "lti.role.tutor": "Tutor/in",
        "lti.role.admin": "Administrator/in",
        "lti.calls.title": "Nicht zugestellte Bewertungen an das LMS",
        "lti.calls.lead": (
            "Bewertungen, die das LMS abgelehnt hat, die übersprungen wurden oder die auf einen "
            "neuen Versuch warten – mit der Antwort des LMS."
        ),
        "lti.calls.none": "Alle Bewertungen wurden zugestellt.",
        "lti.calls.when": "Erstellt",
        "lti.calls.status": "Stand",
        "lti.calls.column": "Spalte",
        "lti.calls.user": "LMS-Benutzer",
        "lti.calls.progress": "Fortschritt",
        "lti.calls.note": "Antwort des LMS / Grund",
        "lti.calls.status.failed": "abgelehnt",
        "lti.calls.status.skipped": "übersprungen",
        "lti.calls.status.pending": "neuer Versuch folgt",
        "lti.calls.attempts": "{count} Versuch(e)",
        "lti.calls.retry": "Erneut senden",
        "lti.calls.retried": "Die Bewertung wird erneut an das LMS gesendet.",
        "lti.calls.not_retryable": (
            "Diese Bewertung gibt es hier nicht, oder sie wurde nicht abgelehnt."
        ),
        "lti.services.title": "Was das LMS in diesem Kurs erlaubt",
        "lti.services.all": (
            "Bewertungen, neue Spalten im Bewertungsbuch und die Teilnehmerliste stehen zur "
            "Verfügung."
        ),
        "lti.services.missing.score_not_granted": (
            "Bewertungen werden nicht an das Bewertungsbuch des LMS gesendet: Die Plattform "
            "hat Kurswerk das Recht dazu (AGS-Scope „score“) nicht erteilt. Feedback erreicht "
            "die Teilnehmenden weiterhin in Kurswerk und per E-Mail. Erteilen Sie den Scope in "
            "der Tool-Konfiguration des LMS."
        ),
        "lti.services.missing.no_grade_service": (
            "Bewertungen werden nicht an das Bewertungsbuch des LMS gesendet: Die Starts aus "
            "diesem LMS-Kurs bieten keinen Bewertungsdienst an (kein AGS). Feedback erreicht "
            "die Teilnehmenden weiterhin in Kurswerk und per E-Mail. Aktivieren Sie im LMS "
            "„Bewertungen und Noten“ für das Tool."
        ),
        "lti.services.missing.score_not_offered": (
            "Bewertungen werden nicht an das Bewertungsbuch des LMS gesendet: Dieser LMS-Kurs "
            "erlaubt Kurswerk keine Bewertungen (AGS-Scope „score“ fehlt in den Starts). "
            "Feedback erreicht die Teilnehmenden weiterhin in Kurswerk und per E-Mail."
        ),
        "lti.services.missing.columns_not_allowed": (
            "Kurswerk darf im Bewertungsbuch keine Spalten anlegen: Bewertungen erscheinen nur "
            "bei Übungen, die als bewertete Aktivität oder per „Inhalt hinzufügen“ im Kurs "
            "stehen. Erteilen Sie den AGS-Scope „lineitem“, damit jede Übung ihre Spalte erhält."
        ),
        "lti.services.missing.roster_not_granted": (
            "Die Teilnehmerliste des LMS ist nicht verfügbar: Die Plattform hat Kurswerk das "
            "Recht dazu (NRPS) nicht erteilt. Coaching-Pakete lassen sich weiter einzeln, per "
            "E-Mail-Adresse oder per CSV vergeben."
        ),
        "lti.services.missing.no_roster_service": (
            "Die Teilnehmerliste des LMS ist nicht verfügbar: Die Starts aus diesem LMS-Kurs "
            "bieten keinen Namens- und Rollendienst (NRPS) an. Coaching-Pakete lassen sich "
            "weiter einzeln, per E-Mail-Adresse oder per CSV vergeben."
        ),
        "lti.services.queue_note": "Hinweis zum Bewertungsbuch des LMS",
        "lti.register.title": "Kurswerk registrieren",
        "lti.register.done": "Kurswerk ist registriert",
        "lti.register.issuer": "Plattform (Issuer)",
        "lti.register.client_id": "Client-ID",
        "lti.register.deployment": "Deployment-ID",
        "lti.register.no_deployment": (
            "keine – fügen Sie sie nach dem Anlegen im LMS mit „kurswerk platform add … "
            "--deployment-id …“ hinzu"
        ),
        "lti.register.scopes": "Gewährte Dienste",
        "lti.register.no_scopes": "keine (Noten und Teilnehmendenliste sind nicht verfügbar)",
        "lti.register.close": "Dieses Fenster schließt sich; sonst können Sie es schließen.",
        "lti.register.failed": "Registrierung fehlgeschlagen",
        "lti.register.key": (
            "Die Registrierungs-URL ist unvollständig: Es fehlt der richtige Schlüssel (?key=…)."
        ),
        "lti.register.disabled": (
            "Die dynamische Registrierung ist abgeschaltet. Setzen Sie KURSWERK_REGISTRATION_KEY "
            "und verwenden Sie die URL mit ?key=…"
        ),
        "lti.register.bad_url": "Eine Adresse der Plattform ist ungültig.",
        "lti.register.bad_answer": "Die Plattform hat unlesbar oder unvollständig geantwortet.",
        "lti.register.unreachable": "Die Plattform ist nicht erreichbar.",
        "lti.register.issuer_mismatch": (
            "Die OpenID-Konfiguration gehört nicht zur angegebenen Plattform: Ihr Issuer ist "
            "kein Anfang ihrer Adresse."
        ),
        "lti.register.incomplete": (
            "Der OpenID-Konfiguration der Plattform fehlt etwas, das LTI 1.3 braucht."
        ),
        "lti.register.refused": "Die Plattform hat die Registrierung abgelehnt.",
        "lti.register.already": "Kurswerk ist schon registriert",
        "lti.register.exists": (
            "Diese Plattform ist mit dieser Client-ID schon registriert. Die bestehende "
            "Registrierung bleibt unverändert; Kurswerk kann wie bisher verwendet werden. "
            "Schlüssel oder Adressen ändern Sie mit „kurswerk platform …“."
        ),
    },
    "en": {
        "lti.error.launch": "The launch from the LMS failed.",
        "lti.error.launch.help": "Please start Kurswerk again from your course.",
        "lti.error.missing_parameters": "The launch from the LMS lacks: {fields}.",
        "lti.error.missing_parameters.help": (
            "Start Kurswerk from the link in your course, not from a bookmark. If the error "
            "persists, check the login URL (…/lti/login) and redirect URL (…/lti/launch) in "
            "the LMS tool configuration."
        ),
        "lti.error.bad_form": "The LMS's launch request is not a valid form.",
        "lti.error.bad_form.help": (
            "The request must be sent as application/x-www-form-urlencoded. Check whether a "
            "proxy alters the request."
        ),
        "lti.error.too_large": "The launch request is too large.",
        "lti.error.too_large.help": (
            "The id_token may be at most 32 KB. Check whether the LMS sends unusually many "
            "custom parameters or claims."
        ),
        "lti.error.unknown_issuer": "This LMS platform is not registered ({issuer}).",
        "lti.error.unknown_issuer.help": (
            "An administrator must register the platform with “kurswerk platform add "
            "--issuer …”. The issuer must match exactly (case, trailing slash) the value the "
            "LMS shows as “Platform ID”."
        ),
        "lti.error.unknown_client_id": (
            "The client ID {client_id} is not registered for this platform."
        ),
        "lti.error.unknown_client_id.help": (
            "Compare the client ID of the LMS tool configuration with “kurswerk platform "
            "list” and register it with “kurswerk platform add --client-id …” if needed."
        ),
        "lti.error.client_id_required": (
            "Several client IDs are registered for this platform, but the launch names none."
        ),
        "lti.error.client_id_required.help": (
            "The LMS must send the client_id parameter at login (LTI 1.3 recommends it)."
        ),
        "lti.error.unknown_deployment": (
            "The deployment ID {deployment_id} is not registered for this platform."
        ),
        "lti.error.unknown_deployment.help": (
            "Add the deployment ID from the LMS tool configuration with “kurswerk platform "
            "add … --deployment-id …” (existing entries are kept)."
        ),
        "lti.error.wrong_target": "The launch target {target} does not belong to Kurswerk.",
        "lti.error.wrong_target.help": (
            "The tool URL in the LMS must point to this Kurswerk address ({origin}). Check "
            "KURSWERK_BASE_URL as well."
        ),
        "lti.error.invalid_token": "The LMS's id_token is not a valid JWT.",
        "lti.error.invalid_token.help": (
            "Start Kurswerk again from the course. If the error persists, check the "
            "platform's LTI 1.3 configuration."
        ),
        "lti.error.invalid_signature": "The launch signature is invalid.",
        "lti.error.invalid_signature.help": (
            "Kurswerk accepts only RS256-signed launches whose key is published at the "
            "registered keyset URL. Check the keyset URL with “kurswerk platform list”."
        ),
        "lti.error.unknown_key": "The signing key {kid} is not in the platform's keyset.",
        "lti.error.unknown_key.help": (
            "Check that the registered keyset URL ({keyset_url}) belongs to the platform that "
            "signed the launch. After a key rotation in the LMS Kurswerk reloads the keyset "
            "once; if the error persists, try again in a minute."
        ),
        "lti.error.keyset_unavailable": "The platform's keyset cannot be fetched.",
        "lti.error.keyset_unavailable.help": (
            "Kurswerk could not load or read {keyset_url}. Check the URL and whether the "
            "Kurswerk server can reach the platform."
        ),
        "lti.error.wrong_audience": "The launch is not addressed to Kurswerk.",
        "lti.error.wrong_audience.help": (
            "The id_token's aud or azp must contain the registered client ID. Check the "
            "client ID in the LMS tool configuration."
        ),
        "lti.error.expired": "The launch has expired.",
        "lti.error.expired.help": (
            "Too much time passed between login and launch. Start Kurswerk again from the "
            "course. If this happens all the time, check the servers' clocks (NTP)."
        ),
        "lti.error.issued_in_future": "The launch is dated in the future.",
        "lti.error.issued_in_future.help": (
            "The clocks of the LMS and Kurswerk disagree. Check the time synchronisation "
            "(NTP) of both servers."
        ),
        "lti.error.replayed": "This launch has already been used.",
        "lti.error.replayed.help": (
            "Each launch is valid once (replay protection). Do not reload the launch page; "
            "start Kurswerk again from the course."
        ),
        "lti.error.state_mismatch": "The launch does not match a login in this browser.",
        "lti.error.state_mismatch.help": (
            "Login and launch must happen in the same browser window. Start Kurswerk again "
            "from the course; if your browser blocks third-party cookies, open Kurswerk in a "
            "new window."
        ),
        "lti.error.missing_claim": "The launch lacks {claim}.",
        "lti.error.missing_claim.help": (
            "LTI 1.3 requires the LMS to send this. Check the tool configuration and the "
            "privacy settings of the LMS."
        ),
        "lti.error.invalid_claim": "The launch's {claim} is invalid.",
        "lti.error.invalid_claim.help": (
            "The value does not conform to LTI 1.3 (type or length). Check the LMS tool "
            "configuration."
        ),
        "lti.error.message_type": "The launch type {message_type} is not supported.",
        "lti.error.message_type.help": (
            "Kurswerk supports LtiResourceLinkRequest, LtiDeepLinkingRequest and "
            "LtiSubmissionReviewRequest. Add Kurswerk to the course as an external tool "
            "(activity)."
        ),
        "lti.error.wrong_version": "LTI version {version} is not supported.",
        "lti.error.wrong_version.help": (
            "Kurswerk speaks LTI 1.3.0. Switch the LMS tool configuration to LTI 1.3."
        ),
        "lti.error.missing_context": "The launch does not come from a course.",
        "lti.error.missing_context.help": (
            "Kurswerk needs the course (context claim) to file content and submissions. Start "
            "Kurswerk from a course activity, not from the site menu or the user profile."
        ),
        "lti.cookies.title": "Open Kurswerk in a new window",
        "lti.cookies.lead": (
            "Your browser blocked a cookie this embedded window needs for a secure sign-in."
        ),
        "lti.cookies.explain": (
            "This happens when third-party cookies are blocked. Signing in works in a window "
            "of its own. Your data is only exchanged between Kurswerk and your LMS."
        ),
        "lti.cookies.button": "Open Kurswerk in a new window",
        "lti.cookies.new_window_hint": "(opens a new window)",
        "lti.storage.title": "Signing in to Kurswerk …",
        "lti.storage.continue": "Continue",
        # --- LTI Advantage ---------------------------------------------------------
        "lti.deep_link.title": "Add Kurswerk content to the course",
        "lti.deep_link.lead_single": (
            "Choose the place in Kurswerk the new link in the LMS course should lead to."
        ),
        "lti.deep_link.lead_multiple": (
            "Choose one or more places in Kurswerk; each becomes a link of its own in the LMS "
            "course."
        ),
        "lti.deep_link.group.course": "Course",
        "lti.deep_link.group.lesson": "Lessons",
        "lti.deep_link.group.exercise": "Exercises",
        "lti.deep_link.group.forum": "Lesson forums",
        "lti.deep_link.graded": "with a gradebook column",
        "lti.deep_link.add": "Add",
        "lti.deep_link.cancel": "Cancel",
        "lti.deep_link.returning": "Back to the LMS",
        "lti.deep_link.returning_lead": (
            "{count} link(s) are handed to your LMS. If nothing happens, choose “Continue”."
        ),
        "lti.deep_link.continue": "Continue",
        "lti.deep_link.msg": "{count} Kurswerk item(s) added",
        "lti.deep_link.gone": (
            "This selection has expired or was already handed to the LMS. Start adding content "
            "in the LMS again."
        ),
        "lti.deep_link.unknown_target": "The chosen place does not belong to this course.",
        "lti.deep_link.choose_one": "Please choose at least one place.",
        "lti.deep_link.only_one": "Your LMS accepts only one link here. Please choose one.",
        "lti.deep_link.not_accepted": (
            "Your LMS accepts no LTI links in this place. You can only cancel."
        ),
        "lti.deep_link.instructors_only": (
            "Only instructors and administrators can add content to the course."
        ),
        "lti.review.title": "Review of a submission",
        "lti.review.for": "Submission of {name}",
        "lti.review.unavailable": (
            "Reviewing submissions and feedback from the gradebook is not available here."
        ),
        "lti.review.to_course": "To the course",
        "lti.review.own_only": "You can review only your own submission.",
        "lti.roster.title": "Participants according to the LMS",
        "lti.roster.count": "{count} people",
        "lti.roster.name": "Name",
        "lti.roster.email": "Email",
        "lti.roster.lms_roles": "Roles in the LMS",
        "lti.roster.role": "Role in Kurswerk",
        "lti.roster.status": "Status",
        "lti.roster.coaching_admin": "Grant coaching packages from this list",
        "lti.roster.coaching_tutor": "See the participants' coaching packages",
        "lti.roster.not_granted": (
            "The LMS platform did not grant Kurswerk access to the participant list (Names and "
            "Role Provisioning Services). An LMS administrator can enable it in the tool "
            "configuration."
        ),
        "lti.roster.no_service": (
            "This LMS course offers no participant list (no NRPS claim in the launch). Enable "
            "“Names and Role Provisioning” in the LMS tool configuration and launch Kurswerk "
            "from the course again."
        ),
        "lti.roster.unreachable": (
            "The LMS cannot be reached right now or reported an error. Please try again later."
        ),
        "lti.roster.refused": "The LMS refused the request for the participant list.",
        "lti.roster.not_authorised": (
            "The LMS refused Kurswerk's credentials. Check the registration (client ID, token "
            "URL) and the key set URL …/lti/jwks."
        ),
        "lti.role.learner": "Learner",
        "lti.role.tutor": "Tutor",
        "lti.role.admin": "Administrator",
        "lti.calls.title": "Grades not delivered to the LMS",
        "lti.calls.lead": (
            "Grades the LMS refused, that were skipped, or that wait for another attempt – with "
            "the LMS's answer."
        ),
        "lti.calls.none": "Every grade was delivered.",
        "lti.calls.when": "Created",
        "lti.calls.status": "State",
        "lti.calls.column": "Column",
        "lti.calls.user": "LMS user",
        "lti.calls.progress": "Progress",
        "lti.calls.note": "LMS answer / reason",
        "lti.calls.status.failed": "refused",
        "lti.calls.status.skipped": "skipped",
        "lti.calls.status.pending": "will be retried",
        "lti.calls.attempts": "{count} attempt(s)",
        "lti.calls.retry": "Send again",
        "lti.calls.retried": "The grade will be sent to the LMS again.",
        "lti.calls.not_retryable": "There is no such grade here, or it was not refused.",
        "lti.services.title": "What the LMS allows in this course",
        "lti.services.all": "Grades, new gradebook columns and the roster are available.",
        "lti.services.missing.score_not_granted": (
            "Grades are not sent to the LMS gradebook: the platform did not grant Kurswerk the "
            "right to (AGS scope “score”). Learners still get their feedback in Kurswerk and "
            "by email. Grant the scope in the LMS's tool configuration."
        ),
        "lti.services.missing.no_grade_service": (
            "Grades are not sent to the LMS gradebook: launches from this LMS course offer no "
            "grade service (no AGS). Learners still get their feedback in Kurswerk and by "
            "email. Enable grades for the tool in the LMS."
        ),
        "lti.services.missing.score_not_offered": (
            "Grades are not sent to the LMS gradebook: this LMS course does not let Kurswerk "
            "post grades (the AGS scope “score” is missing from its launches). Learners still "
            "get their feedback in Kurswerk and by email."
        ),
        "lti.services.missing.columns_not_allowed": (
            "Kurswerk may not create gradebook columns: grades appear only for exercises "
            "placed in the course as a graded activity or through “Add content”. Grant the AGS "
            "scope “lineitem” so that every exercise gets its column."
        ),
        "lti.services.missing.roster_not_granted": (
            "The LMS roster is not available: the platform did not grant Kurswerk the right "
            "to read it (NRPS). Coaching packages can still be granted one by one, by email "
            "address or by CSV."
        ),
        "lti.services.missing.no_roster_service": (
            "The LMS roster is not available: launches from this LMS course offer no names "
            "and roles service (NRPS). Coaching packages can still be granted one by one, by "
            "email address or by CSV."
        ),
        "lti.services.queue_note": "About the LMS gradebook",
        "lti.register.title": "Register Kurswerk",
        "lti.register.done": "Kurswerk is registered",
        "lti.register.issuer": "Platform (issuer)",
        "lti.register.client_id": "Client ID",
        "lti.register.deployment": "Deployment ID",
        "lti.register.no_deployment": (
            "none – add it once it exists in the LMS with “kurswerk platform add … "
            "--deployment-id …”"
        ),
        "lti.register.scopes": "Services granted",
        "lti.register.no_scopes": "none (grades and the participant list are not available)",
        "lti.register.close": "This window closes itself; otherwise you can close it.",
        "lti.register.failed": "Registration failed",
        "lti.register.key": (
            "The registration URL is incomplete: the right key (?key=…) is missing."
        ),
        "lti.register.disabled": (
            "Dynamic registration is switched off. Set KURSWERK_REGISTRATION_KEY and use the URL "
            "with ?key=…"
        ),
        "lti.register.bad_url": "An address of the platform is invalid.",
        "lti.register.bad_answer": "The platform's answer is unreadable or incomplete.",
        "lti.register.unreachable": "The platform cannot be reached.",
        "lti.register.issuer_mismatch": (
            "The OpenID configuration does not belong to the platform it names: its issuer is "
            "not a prefix of its address."
        ),
        "lti.register.incomplete": (
            "The platform's OpenID configuration lacks something LTI 1.3 needs."
        ),
        "lti.register.refused": "The platform refused the registration.",
        "lti.register.already": "Kurswerk is already registered",
        "lti.register.exists": (
            "This platform is already registered with this client ID. The existing "
            "registration stays as it is; Kurswerk can be used as before. Change keys or "
            "addresses with “kurswerk platform …”."
        ),
    },
}
