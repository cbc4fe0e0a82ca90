"""Texts of the file pipeline's refusals (German first, English second); registered by
every room that takes files (``uploads.routes``, ``coaching.routes``).

Every refusal code of ``kurswerk/core/files/errors.py`` has ``upload.rejected.<code>``; every kind
of
active content of ``kurswerk/core/files/pdf/check.py`` has ``upload.active.<kind>`` (shown as
detail).
Words a learner understands: what is wrong, what to do.
"""

from __future__ import annotations

_RESAVE_DE = (
    " Öffnen Sie das Dokument in Ihrem Programm und speichern oder exportieren Sie es "
    "neu als PDF (zum Beispiel über „Drucken“ → „Als PDF speichern“)."
)
_RESAVE_EN = (
    " Open the document in your program and save or export it again as PDF (for "
    "example via “Print” → “Save as PDF”)."
)

MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        # the request / the form
        "upload.rejected.too_large": (
            "Die Datei ist größer als {limit_mb} MB. Bitte verkleinern Sie sie (zum Beispiel "
            "Bilder komprimieren) und laden Sie sie erneut hoch."
        ),
        "upload.rejected.no_file": "Bitte wählen Sie eine PDF-Datei aus.",
        "upload.rejected.multiple_files": "Bitte laden Sie genau eine Datei hoch, nicht mehrere.",
        "upload.rejected.empty_file": "Die Datei ist leer. Bitte wählen Sie die richtige Datei.",
        "upload.rejected.malformed": (
            "Die Übertragung war unvollständig oder fehlerhaft. Bitte versuchen Sie es erneut."
        ),
        "upload.rejected.bad_content_type": (
            "Die Datei wurde nicht als Formular-Upload gesendet. Bitte nutzen Sie das "
            "Formular auf dieser Seite."
        ),
        "upload.rejected.too_many_parts": (
            "Das Formular enthält zu viele Teile. Bitte nutzen Sie das Formular auf dieser Seite."
        ),
        "upload.rejected.unexpected_field": (
            "Das Formular enthält unerwartete Felder. Bitte nutzen Sie das Formular auf "
            "dieser Seite."
        ),
        "upload.rejected.field_too_long": "Ihre Notiz ist zu lang. Bitte kürzen Sie sie.",
        # the file
        "upload.rejected.empty": "Die Datei ist leer. Bitte wählen Sie die richtige Datei.",
        "upload.rejected.not_pdf": (
            "Die Datei ist kein gültiges PDF. Bitte laden Sie Ihre Arbeit als PDF-Datei hoch "
            "– eine umbenannte Datei (etwa .docx oder .png in .pdf) genügt nicht."
        ),
        "upload.rejected.leading_data": (
            "Die Datei ist kein reines PDF: Vor dem PDF-Inhalt stehen andere Daten." + _RESAVE_DE
        ),
        "upload.rejected.trailing_data": (
            "Die Datei ist kein reines PDF: Nach dem Ende des PDFs folgen weitere Daten."
            + _RESAVE_DE
        ),
        "upload.rejected.parse_error": (
            "Die PDF-Datei ist beschädigt und lässt sich nicht lesen." + _RESAVE_DE
        ),
        "upload.rejected.parse_warnings": (
            "Die PDF-Datei ist beschädigt (sie ließe sich nur repariert öffnen)." + _RESAVE_DE
        ),
        "upload.rejected.encrypted": (
            "Die PDF-Datei ist verschlüsselt oder passwortgeschützt. Bitte speichern Sie sie "
            "ohne Passwort und ohne Schutz und laden Sie sie erneut hoch."
        ),
        "upload.rejected.no_pages": "Die PDF-Datei enthält keine Seiten.",
        "upload.rejected.active_content": (
            "Die PDF-Datei enthält aktive Inhalte, die wir aus Sicherheitsgründen nicht "
            "annehmen." + _RESAVE_DE
        ),
        "upload.rejected.too_complex": (
            "Die PDF-Datei ist zu komplex, um sie sicher zu prüfen." + _RESAVE_DE
        ),
        "upload.rejected.decompression_bomb": (
            "Die PDF-Datei enthält komprimierte Daten, die entpackt um ein Vielfaches größer "
            "werden als die Datei selbst – mehr, als ein Dokument braucht und ein "
            "PDF-Betrachter sicher öffnen kann. Wir nehmen sie deshalb nicht an." + _RESAVE_DE
        ),
        "upload.rejected.timeout": (
            "Die Prüfung der PDF-Datei hat zu lange gedauert." + _RESAVE_DE
        ),
        "upload.rejected.check_failed": ("Die PDF-Datei konnte nicht geprüft werden." + _RESAVE_DE),
        "upload.rejected.check_unavailable": (
            "Die Datei kann gerade nicht geprüft werden. Bitte versuchen Sie es in einigen "
            "Minuten erneut."
        ),
        "upload.rejected.virus_found": (
            "In der Datei wurde Schadsoftware gefunden. Sie wurde nicht gespeichert. Bitte "
            "prüfen Sie Ihren Computer und laden Sie eine saubere Datei hoch."
        ),
        "upload.rejected.scan_unavailable": (
            "Die Datei kann gerade nicht auf Viren geprüft werden. Bitte versuchen Sie es in "
            "einigen Minuten erneut."
        ),
        # what active content was found (detail line)
        "upload.active.javascript": "Gefunden: JavaScript.",
        "upload.active.launch": "Gefunden: eine Aktion, die ein Programm oder eine Datei startet.",
        "upload.active.open_action": "Gefunden: eine Aktion, die beim Öffnen automatisch abläuft.",
        "upload.active.automatic_action": (
            "Gefunden: automatische Aktionen (zum Beispiel beim Öffnen einer Seite)."
        ),
        "upload.active.embedded_file": "Gefunden: eingebettete oder angehängte Dateien.",
        "upload.active.xfa": "Gefunden: ein XFA-Formular.",
        "upload.active.form_submission": "Gefunden: ein Formular, das Daten versendet.",
        "upload.active.other_document": "Gefunden: ein Verweis, der ein anderes Dokument öffnet.",
        "upload.active.multimedia": "Gefunden: Multimedia-Inhalte (Video, Ton, 3D).",
        "upload.active.unsafe_link": (
            "Gefunden: ein Link, der nicht auf eine Webseite (http/https) oder eine "
            "E-Mail-Adresse zeigt."
        ),
    },
    "en": {
        "upload.rejected.too_large": (
            "The file is larger than {limit_mb} MB. Please make it smaller (for example by "
            "compressing images) and upload it again."
        ),
        "upload.rejected.no_file": "Please choose a PDF file.",
        "upload.rejected.multiple_files": "Please upload exactly one file, not several.",
        "upload.rejected.empty_file": "The file is empty. Please choose the right file.",
        "upload.rejected.malformed": "The upload was incomplete or garbled. Please try again.",
        "upload.rejected.bad_content_type": (
            "The file was not sent as a form upload. Please use the form on this page."
        ),
        "upload.rejected.too_many_parts": (
            "The form has too many parts. Please use the form on this page."
        ),
        "upload.rejected.unexpected_field": (
            "The form has unexpected fields. Please use the form on this page."
        ),
        "upload.rejected.field_too_long": "Your note is too long. Please shorten it.",
        "upload.rejected.empty": "The file is empty. Please choose the right file.",
        "upload.rejected.not_pdf": (
            "The file is not a valid PDF. Please upload your work as a PDF file – a renamed "
            "file (such as .docx or .png renamed to .pdf) is not enough."
        ),
        "upload.rejected.leading_data": (
            "The file is not a plain PDF: other data comes before the PDF content." + _RESAVE_EN
        ),
        "upload.rejected.trailing_data": (
            "The file is not a plain PDF: more data follows the end of the PDF." + _RESAVE_EN
        ),
        "upload.rejected.parse_error": "The PDF file is damaged and cannot be read." + _RESAVE_EN,
        "upload.rejected.parse_warnings": (
            "The PDF file is damaged (it could only be opened after repairs)." + _RESAVE_EN
        ),
        "upload.rejected.encrypted": (
            "The PDF file is encrypted or password-protected. Please save it without a "
            "password or protection and upload it again."
        ),
        "upload.rejected.no_pages": "The PDF file has no pages.",
        "upload.rejected.active_content": (
            "The PDF file contains active content, which we do not accept for security "
            "reasons." + _RESAVE_EN
        ),
        "upload.rejected.too_complex": (
            "The PDF file is too complex to be checked safely." + _RESAVE_EN
        ),
        "upload.rejected.decompression_bomb": (
            "The PDF file contains compressed data that unpacks to many times the size of the "
            "file itself – more than a document needs and more than a PDF viewer can open "
            "safely, so we do not accept it." + _RESAVE_EN
        ),
        "upload.rejected.timeout": "Checking the PDF file took too long." + _RESAVE_EN,
        "upload.rejected.check_failed": "The PDF file could not be checked." + _RESAVE_EN,
        "upload.rejected.check_unavailable": (
            "The file cannot be checked right now. Please try again in a few minutes."
        ),
        "upload.rejected.virus_found": (
            "Malware was found in the file. It was not stored. Please check your computer "
            "and upload a clean file."
        ),
        "upload.rejected.scan_unavailable": (
            "The file cannot be scanned for viruses right now. Please try again in a few minutes."
        ),
        "upload.active.javascript": "Found: JavaScript.",
        "upload.active.launch": "Found: an action that starts a program or opens a file.",
        "upload.active.open_action": "Found: an action that runs automatically on opening.",
        "upload.active.automatic_action": (
            "Found: automatic actions (for example when a page is opened)."
        ),
        "upload.active.embedded_file": "Found: embedded or attached files.",
        "upload.active.xfa": "Found: an XFA form.",
        "upload.active.form_submission": "Found: a form that sends data.",
        "upload.active.other_document": "Found: a link that opens another document.",
        "upload.active.multimedia": "Found: multimedia content (video, sound, 3D).",
        "upload.active.unsafe_link": (
            "Found: a link that does not point to a web page (http/https) or an email address."
        ),
    },
}
