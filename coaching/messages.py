"""Texts of the coaching room: packages, grants, CSV import, audit log, roster (German
first, English second); registered by the composition root (``kurswerk.wiring``) from
``coaching.routes.CATALOGS``."""

from __future__ import annotations

from coaching.roster_messages import ROSTER_MESSAGES

# ---- Coaching: packages, grants, CSV import, audit log (coaching room) --------------
# Registered by the composition root (``coaching.routes.CATALOGS``). Dynamic keys:
# coaching.nav.*, .done.*, .action.*, .grant_state.*, .field.*, .role.*, .source.*,
# .import.action.*.

COACHING_MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        # navigation and forms
        "coaching.nav.label": "Coaching-Verwaltung",
        "coaching.nav.packages": "Pakete",
        "coaching.nav.grants": "Vergaben",
        "coaching.nav.import": "CSV-Import",
        "coaching.nav.audit": "Protokoll",
        "coaching.form.errors_title": "Bitte korrigieren Sie Folgendes",
        "coaching.form.error": "Fehler",
        "coaching.form.optional": "optional",
        "coaching.form.choose": "– Bitte wählen –",
        "coaching.yes": "ja",
        "coaching.no": "nein",
        # confirmations after a change
        "coaching.done.package_created": "Das Paket wurde angelegt.",
        "coaching.done.package_saved": "Die Änderungen wurden gespeichert.",
        "coaching.done.package_unchanged": "Es gab nichts zu ändern.",
        "coaching.done.package_archived": (
            "Das Paket wurde archiviert. Es kann nicht mehr vergeben werden; bestehende "
            "Vergaben gelten nicht mehr."
        ),
        "coaching.done.package_restored": "Das Paket ist wieder aktiv.",
        "coaching.done.granted": "Das Paket wurde vergeben.",
        "coaching.done.revoked": "Die Vergabe wurde widerrufen.",
        "coaching.done.extended": "Das Enddatum wurde geändert.",
        "coaching.done.unchanged": "Es gab nichts zu ändern.",
        "coaching.done.imported": (
            "Import abgeschlossen: {granted} neu vergeben, {extended} verlängert, "
            "{unchanged} unverändert."
        ),
        # fields
        "coaching.field.name": "Name",
        "coaching.field.description": "Beschreibung",
        "coaching.field.feedback_quota": "Schriftliches Feedback",
        "coaching.field.office_hours_per_month": "Sprechstunden pro Monat",
        "coaching.field.validity": "Gültigkeit",
        "coaching.field.package_validity": "Gültigkeit des Pakets",
        "coaching.field.valid_from": "Gültig ab",
        "coaching.field.valid_until": "Gültig bis",
        "coaching.field.archived": "Archiviert",
        "coaching.field.revoked": "Widerrufen",
        "coaching.field.package": "Paket",
        "coaching.field.person": "Person",
        "coaching.field.member": "Kursmitglied",
        "coaching.field.email": "E-Mail-Adresse",
        "coaching.field.sub": "LMS-Nutzer-ID",
        "coaching.field.state": "Status",
        "coaching.field.course": "Kurs",
        "coaching.quota.unlimited": "unbegrenzt",
        "coaching.quota.count": "{count} Einreichungen",
        "coaching.period.open": "unbefristet",
        "coaching.period.from": "ab {start}",
        "coaching.period.until": "bis {until}",
        "coaching.period.between": "{start} bis {until}",
        "coaching.role.learner": "Teilnehmer/in",
        "coaching.role.tutor": "Tutor/in",
        "coaching.role.admin": "Administrator/in",
        # packages
        "coaching.packages.title": "Coaching-Pakete",
        "coaching.packages.intro": (
            "Ein Paket legt fest, für wie viele Einreichungen es schriftliches Feedback gibt, "
            "wie viele Sprechstunden im Monat dazugehören und wie lange es gilt. Pakete gelten "
            "für alle Kurse Ihrer Plattform."
        ),
        "coaching.packages.new": "Neues Paket anlegen",
        "coaching.packages.current": "Aktive Pakete",
        "coaching.packages.archived": "Archivierte Pakete",
        "coaching.packages.archived_hint": (
            "Archivierte Pakete können nicht vergeben werden; ihre Vergaben gelten nicht."
        ),
        "coaching.packages.archived_badge": "Archiviert",
        "coaching.packages.none": "Es gibt noch keine Pakete.",
        "coaching.packages.open_grants": "Vergaben",
        "coaching.package.new_title": "Neues Coaching-Paket",
        "coaching.package.edit_title": "Paket „{name}“ bearbeiten",
        "coaching.package.back": "Zurück zu den Paketen",
        "coaching.package.description_hint": (
            "Was das Paket bietet, in wenigen Sätzen. Teilnehmende sehen diesen Text. "
            "Markdown ist erlaubt."
        ),
        "coaching.package.quota_limited": "Begrenzt",
        "coaching.package.quota_count": "Anzahl der Einreichungen mit Feedback",
        "coaching.package.office_hours_hint": (
            "0, wenn keine Sprechstunden dazugehören. Die Buchung folgt später."
        ),
        "coaching.package.validity_hint": (
            "Leer lassen, wenn das Paket unbefristet gilt. Format: TT.MM.JJJJ."
        ),
        "coaching.package.create": "Paket anlegen",
        "coaching.package.save": "Änderungen speichern",
        "coaching.package.archive_title": "Archivieren",
        "coaching.package.archive_hint": (
            "Ein archiviertes Paket kann nicht mehr vergeben werden, und bestehende Vergaben "
            "gelten ab sofort nicht mehr. Sie können es später wiederherstellen."
        ),
        "coaching.package.archive": "Paket archivieren",
        "coaching.package.archived_note": (
            "Dieses Paket kann nicht vergeben werden; bestehende Vergaben gelten nicht."
        ),
        "coaching.package.restore_hint": (
            "Wiederhergestellt gilt das Paket wieder, auch für seine bestehenden Vergaben."
        ),
        "coaching.package.restore": "Paket wiederherstellen",
        # grants
        "coaching.grants.title": "Vergaben",
        "coaching.grants.course": "Kurs: {course}",
        "coaching.grants.list_open": "Laufende Vergaben",
        "coaching.grants.list_all": "Alle Vergaben",
        "coaching.grants.show_all": "Auch widerrufene und abgelaufene Vergaben zeigen",
        "coaching.grants.show_open": "Nur laufende Vergaben zeigen",
        "coaching.grants.none": "In diesem Kurs gibt es keine solchen Vergaben.",
        "coaching.grants.actions": "Aktionen",
        "coaching.grants.manage": "Verwalten",
        "coaching.grants.new": "Paket vergeben",
        "coaching.grants.no_packages": "Um ein Paket zu vergeben, legen Sie zuerst eines an.",
        "coaching.grants.by_member": "An ein Kursmitglied vergeben",
        "coaching.grants.by_member_hint": (
            "Zur Auswahl stehen alle, die Kurswerk in diesem Kurs schon geöffnet haben."
        ),
        "coaching.grants.no_members": (
            "Noch niemand hat Kurswerk in diesem Kurs geöffnet. Vergeben Sie das Paket per "
            "E-Mail-Adresse."
        ),
        "coaching.grants.by_email": "Per E-Mail-Adresse vergeben",
        "coaching.grants.by_email_hint": (
            "Für Personen, die Kurswerk noch nicht geöffnet haben: Das Paket gilt, sobald sie "
            "den Kurs mit dieser E-Mail-Adresse im LMS öffnen."
        ),
        "coaching.grants.submit": "Paket vergeben",
        "coaching.grant_state.active": "Aktiv",
        "coaching.grant_state.pending": "Wartet auf ersten Aufruf",
        "coaching.grant_state.not_yet": "Beginnt später",
        "coaching.grant_state.expired": "Abgelaufen",
        "coaching.grant_state.revoked": "Widerrufen",
        "coaching.grant_state.package_ended": "Paket archiviert oder abgelaufen",
        "coaching.grant.title": "Vergabe an {person}",
        "coaching.grant.back": "Zurück zu den Vergaben",
        "coaching.grant.extend_title": "Enddatum ändern",
        "coaching.grant.extend_hint": (
            "Leer lassen für kein eigenes Enddatum (dann gilt die Gültigkeit des Pakets)."
        ),
        "coaching.grant.extend": "Enddatum speichern",
        "coaching.grant.revoke_title": "Widerrufen",
        "coaching.grant.revoke_hint": (
            "Nach dem Widerruf kann die Person keine neuen Arbeiten zum Feedback einreichen. "
            "Die Vergabe bleibt im Protokoll erhalten."
        ),
        "coaching.grant.revoke": "Vergabe widerrufen",
        "coaching.grant.revoked_note": (
            "Diese Vergabe ist widerrufen. Um das Paket erneut zu geben, vergeben Sie es neu."
        ),
        # history and audit log
        "coaching.history.title": "Verlauf",
        "coaching.history.none": "Noch keine Änderungen.",
        "coaching.history.caption_package": "Änderungen am Paket „{name}“, neueste zuerst",
        "coaching.history.caption_grant": "Änderungen an der Vergabe an {person}, neueste zuerst",
        "coaching.audit.title": "Protokoll",
        "coaching.audit.intro": (
            "Jede Änderung an Paketen und Vergaben Ihrer Plattform: wer, wann, was."
        ),
        "coaching.audit.caption": "Änderungen, neueste zuerst",
        "coaching.audit.caption_older": "Ältere Änderungen, neueste zuerst",
        "coaching.audit.none": "Noch keine Änderungen.",
        "coaching.audit.older": "Ältere Einträge",
        "coaching.audit.when": "Zeitpunkt",
        "coaching.audit.who": "Wer",
        "coaching.audit.action": "Aktion",
        "coaching.audit.subject": "Betrifft",
        "coaching.audit.change": "Änderung",
        "coaching.action.package_created": "Paket angelegt",
        "coaching.action.package_updated": "Paket geändert",
        "coaching.action.package_archived": "Paket archiviert",
        "coaching.action.package_restored": "Paket wiederhergestellt",
        "coaching.action.granted": "Vergeben",
        "coaching.action.revoked": "Widerrufen",
        "coaching.action.extended": "Enddatum geändert",
        "coaching.source.web": "Web",
        "coaching.source.csv": "CSV-Import",
        "coaching.source.cli": "Kommandozeile",
        "coaching.source.demo": "Demo",
        # CSV import
        "coaching.import.title": "Vergaben aus CSV importieren",
        "coaching.import.intro": (
            "Vergeben Sie viele Pakete auf einmal. Sie sehen zuerst eine Vorschau mit allen "
            "Fehlern; gespeichert wird erst, wenn Sie bestätigen – und dann alle Zeilen oder "
            "keine."
        ),
        "coaching.import.format_title": "So muss die Datei aussehen",
        "coaching.import.format_columns": (
            "Erste Zeile mit den Spaltennamen: „email“ oder „sub“, dazu „package“ und optional "
            "„valid_from“ und „valid_until“."
        ),
        "coaching.import.format_person": (
            "Pro Zeile entweder eine E-Mail-Adresse (auch für Personen, die Kurswerk noch nicht "
            "geöffnet haben) oder die LMS-Nutzer-ID („sub“) eines Kursmitglieds."
        ),
        "coaching.import.format_dates": "Datumsangaben als 31.12.2026 oder 2026-12-31.",
        "coaching.import.format_encoding": (
            "UTF-8 (in Excel: „CSV UTF-8“), getrennt durch Semikolon oder Komma."
        ),
        "coaching.import.format_existing": (
            "Hat eine Person das Paket schon, wird ihre Vergabe auf das neue Enddatum verlängert."
        ),
        "coaching.import.format_limits": "Höchstens {max_kb} KB und {max_rows} Zeilen.",
        "coaching.import.example": "Beispiel",
        "coaching.import.upload_title": "Datei hochladen",
        "coaching.import.file": "CSV-Datei",
        "coaching.import.file_hint": "Die Datei wird noch nicht gespeichert, nur geprüft.",
        "coaching.import.preview": "Vorschau anzeigen",
        "coaching.import.preview_title": "Vorschau des Imports",
        "coaching.import.preview_file": "Datei „{name}“ mit {rows} Zeilen.",
        "coaching.import.rows_with_errors": "{count} Zeilen haben Fehler",
        "coaching.import.nothing_written": (
            "Es wurde nichts gespeichert. Korrigieren Sie die Datei und laden Sie sie erneut hoch."
        ),
        "coaching.import.ready": (
            "Alle Zeilen sind in Ordnung: {granted} neu, {extended} zu verlängern, "
            "{unchanged} unverändert."
        ),
        "coaching.import.not_yet_written": "Noch ist nichts gespeichert.",
        "coaching.import.line": "Zeile {line}",
        "coaching.import.line_header": "Zeile",
        "coaching.import.table_caption": "Zeilen der Datei und was mit ihnen geschieht",
        "coaching.import.result": "Ergebnis",
        "coaching.import.row_error": "Fehler",
        "coaching.import.action.grant": "Wird vergeben",
        "coaching.import.action.extend": "Wird verlängert",
        "coaching.import.action.unchanged": "Unverändert (schon vergeben)",
        "coaching.import.extend_from": "bisher gültig bis {until}",
        "coaching.import.confirm": "Jetzt speichern ({count} Änderungen)",
        "coaching.import.cancel": "Abbrechen",
        "coaching.import.again": "Korrigierte Datei hochladen",
        "coaching.import.no_file": "Bitte wählen Sie eine CSV-Datei aus.",
        "coaching.import.malformed": (
            "Die Datei kam nicht vollständig an. Bitte versuchen Sie es noch einmal über das "
            "Formular."
        ),
        "coaching.import.too_large": (
            "Die Datei ist größer als {max_kb} KB. Bitte teilen Sie sie in mehrere Dateien auf."
        ),
        "coaching.import.not_utf8": (
            "Die Datei ist nicht in UTF-8 gespeichert. Speichern Sie sie in Excel als "
            "„CSV UTF-8 (durch Trennzeichen getrennt)“ und laden Sie sie erneut hoch."
        ),
        "coaching.import.empty": "Die Datei enthält keine Zeilen mit Vergaben.",
        "coaching.import.unreadable": "Die Datei lässt sich nicht als CSV lesen.",
        "coaching.import.unreadable_at": (
            "Die Datei lässt sich ab Zeile {line} nicht als CSV lesen (zum Beispiel ein "
            "Anführungszeichen ohne Gegenstück)."
        ),
        "coaching.import.unknown_columns": (
            "Unbekannte Spalten: {columns}. Erlaubt sind email, sub, package, valid_from und "
            "valid_until."
        ),
        "coaching.import.repeated_columns": "Spalten kommen doppelt vor: {columns}.",
        "coaching.import.columns_missing": (
            "Es fehlen Spalten: nötig sind „package“ und „email“ oder „sub“."
        ),
        "coaching.import.too_many_rows": (
            "Die Datei hat mehr als {max_rows} Zeilen. Bitte teilen Sie sie auf."
        ),
        "coaching.import.extra_cells": "Die Zeile hat mehr Werte als die Kopfzeile Spalten.",
        "coaching.import.cell_too_long": "Ein Wert ist zu lang.",
        "coaching.import.person_missing": "Es fehlt die E-Mail-Adresse oder die LMS-Nutzer-ID.",
        "coaching.import.package_unknown": "Ein Paket „{name}“ gibt es nicht.",
        "coaching.import.duplicate": (
            "Doppelt: dieselbe Person und dasselbe Paket wie Zeile {line}."
        ),
        "coaching.import.from_differs": (
            "Die Person hat das Paket schon, mit einem anderen Beginn. Beim Verlängern lassen "
            "Sie „valid_from“ leer."
        ),
        "coaching.import.not_ready": "Die Vorschau enthält Fehler; es wurde nichts gespeichert.",
        "coaching.import.draft_expired": (
            "Die Vorschau ist abgelaufen. Bitte laden Sie die Datei erneut hoch."
        ),
        "coaching.import.draft_invalid": (
            "Die Vorschau ist ungültig oder wurde verändert. Es wurde nichts gespeichert. "
            "Bitte laden Sie die Datei erneut hoch."
        ),
        # refusals
        "coaching.error.name_missing": "Bitte geben Sie einen Namen ein.",
        "coaching.error.name_too_long": "Der Name darf höchstens {max} Zeichen lang sein.",
        "coaching.error.name_taken": (
            "Ein Paket mit diesem Namen gibt es schon (auch archivierte zählen). Bitte wählen "
            "Sie einen anderen Namen."
        ),
        "coaching.error.description_too_long": (
            "Die Beschreibung darf höchstens {max} Zeichen lang sein."
        ),
        "coaching.error.quota_kind": "Bitte wählen Sie „Begrenzt“ oder „unbegrenzt“.",
        "coaching.error.number_missing": "Bitte geben Sie eine Zahl ein.",
        "coaching.error.number_negative": "Die Zahl darf nicht negativ sein.",
        "coaching.error.not_a_number": "Bitte geben Sie eine ganze Zahl ein, zum Beispiel 3.",
        "coaching.error.number_too_large": "Die Zahl darf höchstens {max} sein.",
        "coaching.error.bad_date": (
            "Das ist kein gültiges Datum. Bitte im Format TT.MM.JJJJ, zum Beispiel 31.12.2026."
        ),
        "coaching.error.until_before_from": "Das Enddatum liegt vor dem Beginn.",
        "coaching.error.until_in_past": (
            "Das Enddatum liegt in der Vergangenheit. Um eine Vergabe zu beenden, widerrufen "
            "Sie sie."
        ),
        "coaching.error.package_not_found": "Dieses Paket gibt es nicht.",
        "coaching.error.package_missing": "Bitte wählen Sie ein Paket.",
        "coaching.error.package_unknown": "Dieses Paket gibt es nicht.",
        "coaching.error.package_archived": (
            "Das Paket ist archiviert und kann nicht vergeben werden."
        ),
        "coaching.error.package_ended": "Das Paket ist abgelaufen und kann nicht vergeben werden.",
        "coaching.error.course_not_found": "Diesen Kurs gibt es nicht.",
        "coaching.error.platform_unknown": (
            "Eine Plattform mit dem Issuer {issuer} ist nicht registriert."
        ),
        "coaching.error.platform_ambiguous": (
            "Unter dem Issuer {issuer} sind mehrere Plattformen registriert. Bitte geben Sie "
            "auch die Client-ID an."
        ),
        "coaching.error.course_unknown": (
            "Einen Kurs mit der LMS-Kurs-ID {context} gibt es auf dieser Plattform nicht (oder "
            "noch niemand hat Kurswerk darin geöffnet)."
        ),
        "coaching.error.unknown_member": "Diese Person ist kein Mitglied dieses Kurses.",
        "coaching.error.unknown_user": (
            "Eine Person mit der LMS-Nutzer-ID „{sub}“ hat Kurswerk in diesem Kurs noch nicht "
            "geöffnet. Vergeben Sie das Paket per E-Mail-Adresse."
        ),
        "coaching.error.bad_email": (
            "Das ist keine gültige E-Mail-Adresse. Bitte im Format name@beispiel.de."
        ),
        "coaching.error.email_missing": "Bitte geben Sie eine E-Mail-Adresse ein.",
        "coaching.error.member_missing": "Bitte wählen Sie ein Kursmitglied.",
        "coaching.error.member_or_email": (
            "Bitte nennen Sie die Person entweder als Kursmitglied oder per E-Mail-Adresse, "
            "nicht beides."
        ),
        "coaching.error.already_granted": (
            "Diese Person hat dieses Paket in diesem Kurs schon. Ändern Sie dort das Enddatum."
        ),
        "coaching.error.grant_not_found": "Diese Vergabe gibt es nicht.",
        "coaching.error.grant_revoked": (
            "Die Vergabe ist widerrufen. Um das Paket erneut zu geben, vergeben Sie es neu."
        ),
        # the learner's own coaching
        "coaching.mine.title": "Mein Coaching",
        "coaching.mine.back": "Zurück zum Kurs",
        "coaching.mine.status_title": "Ihr Coaching-Paket",
        "coaching.mine.none": "Sie haben in diesem Kurs kein Coaching-Paket.",
        "coaching.mine.feedback": "Schriftliches Feedback",
        "coaching.mine.feedback_unlimited": "für alle Ihre Einreichungen",
        "coaching.mine.feedback_left": "noch für {left} von {total} Einreichungen",
        "coaching.mine.office_hours": "{hours} pro Monat",
        "coaching.mine.valid_until": "Gültig bis",
        "coaching.mine.no_end": "unbefristet",
        "coaching.mine.includes": "Das umfasst Ihr Paket",
        "coaching.mine.offers_title": "Coaching zu diesem Kurs",
        "coaching.mine.offers_intro": (
            "Mit einem Coaching-Paket reichen Sie Ihre Übungen als PDF ein und erhalten "
            "schriftliches Feedback der Dozentin oder des Dozenten per E-Mail."
        ),
        "coaching.mine.offer_feedback": "Schriftliches Feedback: {quota}",
        "coaching.mine.how_to_get": (
            "Ein Paket erhalten Sie über die Kursleitung oder den Anbieter Ihres Kurses."
        ),
    },
    "en": {
        "coaching.nav.label": "Coaching administration",
        "coaching.nav.packages": "Packages",
        "coaching.nav.grants": "Grants",
        "coaching.nav.import": "CSV import",
        "coaching.nav.audit": "Audit log",
        "coaching.form.errors_title": "Please correct the following",
        "coaching.form.error": "Error",
        "coaching.form.optional": "optional",
        "coaching.form.choose": "– Please choose –",
        "coaching.yes": "yes",
        "coaching.no": "no",
        "coaching.done.package_created": "The package was created.",
        "coaching.done.package_saved": "The changes were saved.",
        "coaching.done.package_unchanged": "There was nothing to change.",
        "coaching.done.package_archived": (
            "The package was archived. It can no longer be granted; existing grants no longer "
            "apply."
        ),
        "coaching.done.package_restored": "The package is active again.",
        "coaching.done.granted": "The package was granted.",
        "coaching.done.revoked": "The grant was revoked.",
        "coaching.done.extended": "The end date was changed.",
        "coaching.done.unchanged": "There was nothing to change.",
        "coaching.done.imported": (
            "Import finished: {granted} granted, {extended} extended, {unchanged} unchanged."
        ),
        "coaching.field.name": "Name",
        "coaching.field.description": "Description",
        "coaching.field.feedback_quota": "Written feedback",
        "coaching.field.office_hours_per_month": "Office hours per month",
        "coaching.field.validity": "Validity",
        "coaching.field.package_validity": "Validity of the package",
        "coaching.field.valid_from": "Valid from",
        "coaching.field.valid_until": "Valid until",
        "coaching.field.archived": "Archived",
        "coaching.field.revoked": "Revoked",
        "coaching.field.package": "Package",
        "coaching.field.person": "Person",
        "coaching.field.member": "Course member",
        "coaching.field.email": "Email address",
        "coaching.field.sub": "LMS user ID",
        "coaching.field.state": "Status",
        "coaching.field.course": "Course",
        "coaching.quota.unlimited": "unlimited",
        "coaching.quota.count": "{count} submissions",
        "coaching.period.open": "no end date",
        "coaching.period.from": "from {start}",
        "coaching.period.until": "until {until}",
        "coaching.period.between": "{start} to {until}",
        "coaching.role.learner": "learner",
        "coaching.role.tutor": "tutor",
        "coaching.role.admin": "administrator",
        "coaching.packages.title": "Coaching packages",
        "coaching.packages.intro": (
            "A package sets for how many submissions there is written feedback, how many "
            "office hours per month it includes and how long it is valid. Packages apply to "
            "every course of your platform."
        ),
        "coaching.packages.new": "Create a package",
        "coaching.packages.current": "Active packages",
        "coaching.packages.archived": "Archived packages",
        "coaching.packages.archived_hint": (
            "Archived packages cannot be granted; their grants do not apply."
        ),
        "coaching.packages.archived_badge": "Archived",
        "coaching.packages.none": "There are no packages yet.",
        "coaching.packages.open_grants": "Grants",
        "coaching.package.new_title": "New coaching package",
        "coaching.package.edit_title": "Edit package “{name}”",
        "coaching.package.back": "Back to the packages",
        "coaching.package.description_hint": (
            "What the package offers, in a few sentences. Learners see this text. Markdown is "
            "allowed."
        ),
        "coaching.package.quota_limited": "Limited",
        "coaching.package.quota_count": "Number of submissions with feedback",
        "coaching.package.office_hours_hint": (
            "0 if no office hours are included. Booking follows later."
        ),
        "coaching.package.validity_hint": (
            "Leave empty if the package has no end date. Format: DD.MM.YYYY."
        ),
        "coaching.package.create": "Create package",
        "coaching.package.save": "Save changes",
        "coaching.package.archive_title": "Archive",
        "coaching.package.archive_hint": (
            "An archived package can no longer be granted, and existing grants stop applying "
            "at once. You can restore it later."
        ),
        "coaching.package.archive": "Archive package",
        "coaching.package.archived_note": (
            "This package cannot be granted; existing grants do not apply."
        ),
        "coaching.package.restore_hint": (
            "Once restored, the package applies again, also to its existing grants."
        ),
        "coaching.package.restore": "Restore package",
        "coaching.grants.title": "Grants",
        "coaching.grants.course": "Course: {course}",
        "coaching.grants.list_open": "Current grants",
        "coaching.grants.list_all": "All grants",
        "coaching.grants.show_all": "Also show revoked and expired grants",
        "coaching.grants.show_open": "Show current grants only",
        "coaching.grants.none": "There are no such grants in this course.",
        "coaching.grants.actions": "Actions",
        "coaching.grants.manage": "Manage",
        "coaching.grants.new": "Grant a package",
        "coaching.grants.no_packages": "To grant a package, create one first.",
        "coaching.grants.by_member": "Grant to a course member",
        "coaching.grants.by_member_hint": (
            "You can choose anyone who has already opened Kurswerk in this course."
        ),
        "coaching.grants.no_members": (
            "Nobody has opened Kurswerk in this course yet. Grant the package by email address."
        ),
        "coaching.grants.by_email": "Grant by email address",
        "coaching.grants.by_email_hint": (
            "For people who have not opened Kurswerk yet: the package applies as soon as they "
            "open the course in the LMS with this email address."
        ),
        "coaching.grants.submit": "Grant package",
        "coaching.grant_state.active": "Active",
        "coaching.grant_state.pending": "Waiting for first visit",
        "coaching.grant_state.not_yet": "Starts later",
        "coaching.grant_state.expired": "Expired",
        "coaching.grant_state.revoked": "Revoked",
        "coaching.grant_state.package_ended": "Package archived or expired",
        "coaching.grant.title": "Grant to {person}",
        "coaching.grant.back": "Back to the grants",
        "coaching.grant.extend_title": "Change the end date",
        "coaching.grant.extend_hint": (
            "Leave empty for no end date of its own (the package's validity then applies)."
        ),
        "coaching.grant.extend": "Save end date",
        "coaching.grant.revoke_title": "Revoke",
        "coaching.grant.revoke_hint": (
            "Once revoked, the person cannot submit new work for feedback. The grant stays in "
            "the audit log."
        ),
        "coaching.grant.revoke": "Revoke grant",
        "coaching.grant.revoked_note": (
            "This grant is revoked. To give the package again, grant it anew."
        ),
        "coaching.history.title": "History",
        "coaching.history.none": "No changes yet.",
        "coaching.history.caption_package": "Changes to the package “{name}”, newest first",
        "coaching.history.caption_grant": "Changes to the grant to {person}, newest first",
        "coaching.audit.title": "Audit log",
        "coaching.audit.intro": (
            "Every change to your platform's packages and grants: who, when, what."
        ),
        "coaching.audit.caption": "Changes, newest first",
        "coaching.audit.caption_older": "Older changes, newest first",
        "coaching.audit.none": "No changes yet.",
        "coaching.audit.older": "Older entries",
        "coaching.audit.when": "When",
        "coaching.audit.who": "Who",
        "coaching.audit.action": "Action",
        "coaching.audit.subject": "Concerns",
        "coaching.audit.change": "Change",
        "coaching.action.package_created": "Package created",
        "coaching.action.package_updated": "Package changed",
        "coaching.action.package_archived": "Package archived",
        "coaching.action.package_restored": "Package restored",
        "coaching.action.granted": "Granted",
        "coaching.action.revoked": "Revoked",
        "coaching.action.extended": "End date changed",
        "coaching.source.web": "Web",
        "coaching.source.csv": "CSV import",
        "coaching.source.cli": "Command line",
        "coaching.source.demo": "Demo",
        "coaching.import.title": "Import grants from CSV",
        "coaching.import.intro": (
            "Grant many packages at once. You first see a preview with every error; nothing is "
            "saved until you confirm – and then all rows or none."
        ),
        "coaching.import.format_title": "What the file must look like",
        "coaching.import.format_columns": (
            "A first line with the column names: “email” or “sub”, plus “package” and "
            "optionally “valid_from” and “valid_until”."
        ),
        "coaching.import.format_person": (
            "Each row has either an email address (also for people who have not opened "
            "Kurswerk yet) or the LMS user ID (“sub”) of a course member."
        ),
        "coaching.import.format_dates": "Dates as 31.12.2026 or 2026-12-31.",
        "coaching.import.format_encoding": (
            "UTF-8 (in Excel: “CSV UTF-8”), separated by semicolons or commas."
        ),
        "coaching.import.format_existing": (
            "If a person already has the package, their grant is extended to the new end date."
        ),
        "coaching.import.format_limits": "At most {max_kb} KB and {max_rows} rows.",
        "coaching.import.example": "Example",
        "coaching.import.upload_title": "Upload the file",
        "coaching.import.file": "CSV file",
        "coaching.import.file_hint": "The file is only checked, not saved yet.",
        "coaching.import.preview": "Show preview",
        "coaching.import.preview_title": "Import preview",
        "coaching.import.preview_file": "File “{name}” with {rows} rows.",
        "coaching.import.rows_with_errors": "{count} rows have errors",
        "coaching.import.nothing_written": (
            "Nothing was saved. Correct the file and upload it again."
        ),
        "coaching.import.ready": (
            "All rows are fine: {granted} new, {extended} to extend, {unchanged} unchanged."
        ),
        "coaching.import.not_yet_written": "Nothing has been saved yet.",
        "coaching.import.line": "Line {line}",
        "coaching.import.line_header": "Line",
        "coaching.import.table_caption": "Rows of the file and what happens to them",
        "coaching.import.result": "Result",
        "coaching.import.row_error": "Error",
        "coaching.import.action.grant": "Will be granted",
        "coaching.import.action.extend": "Will be extended",
        "coaching.import.action.unchanged": "Unchanged (already granted)",
        "coaching.import.extend_from": "valid until {until} so far",
        "coaching.import.confirm": "Save now ({count} changes)",
        "coaching.import.cancel": "Cancel",
        "coaching.import.again": "Upload a corrected file",
        "coaching.import.no_file": "Please choose a CSV file.",
        "coaching.import.malformed": (
            "The file did not arrive completely. Please try again using the form."
        ),
        "coaching.import.too_large": (
            "The file is larger than {max_kb} KB. Please split it into several files."
        ),
        "coaching.import.not_utf8": (
            "The file is not saved as UTF-8. In Excel, save it as “CSV UTF-8 (comma "
            "delimited)” and upload it again."
        ),
        "coaching.import.empty": "The file has no rows with grants.",
        "coaching.import.unreadable": "The file cannot be read as CSV.",
        "coaching.import.unreadable_at": (
            "The file cannot be read as CSV from line {line} on (for example a quote without "
            "its closing quote)."
        ),
        "coaching.import.unknown_columns": (
            "Unknown columns: {columns}. Allowed are email, sub, package, valid_from and "
            "valid_until."
        ),
        "coaching.import.repeated_columns": "Columns appear twice: {columns}.",
        "coaching.import.columns_missing": (
            "Columns are missing: “package” and “email” or “sub” are required."
        ),
        "coaching.import.too_many_rows": (
            "The file has more than {max_rows} rows. Please split it."
        ),
        "coaching.import.extra_cells": "The row has more values than the header has columns.",
        "coaching.import.cell_too_long": "A value is too long.",
        "coaching.import.person_missing": "The email address or the LMS user ID is missing.",
        "coaching.import.package_unknown": "There is no package “{name}”.",
        "coaching.import.duplicate": "Duplicate: the same person and package as line {line}.",
        "coaching.import.from_differs": (
            "The person already has the package, with another start date. To extend, leave "
            "“valid_from” empty."
        ),
        "coaching.import.not_ready": "The preview has errors; nothing was saved.",
        "coaching.import.draft_expired": "The preview has expired. Please upload the file again.",
        "coaching.import.draft_invalid": (
            "The preview is invalid or was altered. Nothing was saved. Please upload the file "
            "again."
        ),
        "coaching.error.name_missing": "Please enter a name.",
        "coaching.error.name_too_long": "The name may be at most {max} characters long.",
        "coaching.error.name_taken": (
            "A package with this name exists already (archived ones count too). Please choose "
            "another name."
        ),
        "coaching.error.description_too_long": (
            "The description may be at most {max} characters long."
        ),
        "coaching.error.quota_kind": "Please choose “Limited” or “unlimited”.",
        "coaching.error.number_missing": "Please enter a number.",
        "coaching.error.number_negative": "The number must not be negative.",
        "coaching.error.not_a_number": "Please enter a whole number, for example 3.",
        "coaching.error.number_too_large": "The number may be at most {max}.",
        "coaching.error.bad_date": (
            "That is not a valid date. Please use the format DD.MM.YYYY, for example 31.12.2026."
        ),
        "coaching.error.until_before_from": "The end date lies before the start.",
        "coaching.error.until_in_past": (
            "The end date lies in the past. To end a grant, revoke it."
        ),
        "coaching.error.package_not_found": "This package does not exist.",
        "coaching.error.package_missing": "Please choose a package.",
        "coaching.error.package_unknown": "This package does not exist.",
        "coaching.error.package_archived": "The package is archived and cannot be granted.",
        "coaching.error.package_ended": "The package has expired and cannot be granted.",
        "coaching.error.course_not_found": "This course does not exist.",
        "coaching.error.platform_unknown": "No platform with the issuer {issuer} is registered.",
        "coaching.error.platform_ambiguous": (
            "Several platforms are registered under the issuer {issuer}. Please give the "
            "client ID too."
        ),
        "coaching.error.course_unknown": (
            "There is no course with the LMS course ID {context} on this platform (or nobody "
            "has opened Kurswerk in it yet)."
        ),
        "coaching.error.unknown_member": "This person is not a member of this course.",
        "coaching.error.unknown_user": (
            "Nobody with the LMS user ID “{sub}” has opened Kurswerk in this course yet. Grant "
            "the package by email address."
        ),
        "coaching.error.bad_email": (
            "That is not a valid email address. Please use the format name@example.org."
        ),
        "coaching.error.email_missing": "Please enter an email address.",
        "coaching.error.member_missing": "Please choose a course member.",
        "coaching.error.member_or_email": (
            "Please name the person either as a course member or by email address, not both."
        ),
        "coaching.error.already_granted": (
            "This person already has this package in this course. Change its end date there."
        ),
        "coaching.error.grant_not_found": "This grant does not exist.",
        "coaching.error.grant_revoked": (
            "The grant is revoked. To give the package again, grant it anew."
        ),
        "coaching.mine.title": "My coaching",
        "coaching.mine.back": "Back to the course",
        "coaching.mine.status_title": "Your coaching package",
        "coaching.mine.none": "You have no coaching package in this course.",
        "coaching.mine.feedback": "Written feedback",
        "coaching.mine.feedback_unlimited": "for all your submissions",
        "coaching.mine.feedback_left": "for {left} more of {total} submissions",
        "coaching.mine.office_hours": "{hours} per month",
        "coaching.mine.valid_until": "Valid until",
        "coaching.mine.no_end": "no end date",
        "coaching.mine.includes": "What your package includes",
        "coaching.mine.offers_title": "Coaching for this course",
        "coaching.mine.offers_intro": (
            "With a coaching package you submit your exercises as a PDF and receive the "
            "lecturer's written feedback by email."
        ),
        "coaching.mine.offer_feedback": "Written feedback: {quota}",
        "coaching.mine.how_to_get": (
            "You get a package from your course leaders or the provider of your course."
        ),
    },
}

for _locale, _texts in ROSTER_MESSAGES.items():  # the roster page's texts, kept apart
    COACHING_MESSAGES[_locale].update(_texts)
