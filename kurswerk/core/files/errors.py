"""Why an upload was refused: one stable code per reason, a text (message id) per code.

Every refusal is an :class:`~kurswerk.core.errors.AppError`, so a route can let it propagate
and the one error handler renders the text (``REFUSALS[code]``, translated where it is
shown). The code is what logs, tests and later the submission records use; it never changes
once released.
"""

from __future__ import annotations

from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_

# What a person reads for each refusal code (message ids), by where it is decided: the
# request (intake), the file (pdfcheck), the scan. Words a learner understands: what is
# wrong, what to do.
REFUSALS: dict[str, str] = {
    # kurswerk.core.files.intake: the request, the form
    "too_large": N_(
        "Die Datei ist größer als %(limit_mb)s MB. Bitte verkleinern Sie sie "
        "(zum Beispiel Bilder komprimieren) und laden Sie sie erneut hoch."
    ),
    "no_file": N_("Bitte wählen Sie eine PDF-Datei aus."),
    "multiple_files": N_("Bitte laden Sie genau eine Datei hoch, nicht mehrere."),
    "empty_file": N_("Die Datei ist leer. Bitte wählen Sie die richtige Datei."),
    "malformed": N_(
        "Die Übertragung war unvollständig oder fehlerhaft. Bitte versuchen Sie es erneut."
    ),
    "bad_content_type": N_(
        "Die Datei wurde nicht als Formular-Upload gesendet. Bitte nutzen Sie "
        "das Formular auf dieser Seite."
    ),
    "too_many_parts": N_(
        "Das Formular enthält zu viele Teile. Bitte nutzen Sie das Formular auf dieser Seite."
    ),
    "unexpected_field": N_(
        "Das Formular enthält unerwartete Felder. Bitte nutzen Sie das Formular auf dieser Seite."
    ),
    "field_too_long": N_("Ihre Notiz ist zu lang. Bitte kürzen Sie sie."),
    # kurswerk.core.files.pdf.check: the file
    "empty": N_("Die Datei ist leer. Bitte wählen Sie die richtige Datei."),
    "not_pdf": N_(
        "Die Datei ist kein gültiges PDF. Bitte laden Sie Ihre Arbeit als "
        "PDF-Datei hoch – eine umbenannte Datei (etwa .docx oder .png in .pdf) "
        "genügt nicht."
    ),
    "leading_data": N_(
        "Die Datei ist kein reines PDF: Vor dem PDF-Inhalt stehen andere Daten. "
        "Öffnen Sie das Dokument in Ihrem Programm und speichern oder "
        "exportieren Sie es neu als PDF (zum Beispiel über „Drucken“ → „Als PDF "
        "speichern“)."
    ),
    "trailing_data": N_(
        "Die Datei ist kein reines PDF: Nach dem Ende des PDFs folgen weitere "
        "Daten. Öffnen Sie das Dokument in Ihrem Programm und speichern oder "
        "exportieren Sie es neu als PDF (zum Beispiel über „Drucken“ → „Als PDF "
        "speichern“)."
    ),
    "parse_error": N_(
        "Die PDF-Datei ist beschädigt und lässt sich nicht lesen. Öffnen Sie das "
        "Dokument in Ihrem Programm und speichern oder exportieren Sie es neu "
        "als PDF (zum Beispiel über „Drucken“ → „Als PDF speichern“)."
    ),
    "parse_warnings": N_(
        "Die PDF-Datei ist beschädigt (sie ließe sich nur repariert öffnen). "
        "Öffnen Sie das Dokument in Ihrem Programm und speichern oder "
        "exportieren Sie es neu als PDF (zum Beispiel über „Drucken“ → „Als PDF "
        "speichern“)."
    ),
    "encrypted": N_(
        "Die PDF-Datei ist verschlüsselt oder passwortgeschützt. Bitte speichern "
        "Sie sie ohne Passwort und ohne Schutz und laden Sie sie erneut hoch."
    ),
    "no_pages": N_("Die PDF-Datei enthält keine Seiten."),
    "active_content": N_(
        "Die PDF-Datei enthält aktive Inhalte, die wir aus Sicherheitsgründen "
        "nicht annehmen. Öffnen Sie das Dokument in Ihrem Programm und speichern "
        "oder exportieren Sie es neu als PDF (zum Beispiel über „Drucken“ → „Als "
        "PDF speichern“)."
    ),
    "too_complex": N_(
        "Die PDF-Datei ist zu komplex, um sie sicher zu prüfen. Öffnen Sie das "
        "Dokument in Ihrem Programm und speichern oder exportieren Sie es neu "
        "als PDF (zum Beispiel über „Drucken“ → „Als PDF speichern“)."
    ),
    "decompression_bomb": N_(
        "Die PDF-Datei enthält komprimierte Daten, die entpackt um ein "
        "Vielfaches größer werden als die Datei selbst – mehr, als ein Dokument "
        "braucht und ein PDF-Betrachter sicher öffnen kann. Wir nehmen sie "
        "deshalb nicht an. Öffnen Sie das Dokument in Ihrem Programm und "
        "speichern oder exportieren Sie es neu als PDF (zum Beispiel über "
        "„Drucken“ → „Als PDF speichern“)."
    ),
    "timeout": N_(
        "Die Prüfung der PDF-Datei hat zu lange gedauert. Öffnen Sie das "
        "Dokument in Ihrem Programm und speichern oder exportieren Sie es neu "
        "als PDF (zum Beispiel über „Drucken“ → „Als PDF speichern“)."
    ),
    "check_failed": N_(
        "Die PDF-Datei konnte nicht geprüft werden. Öffnen Sie das Dokument in "
        "Ihrem Programm und speichern oder exportieren Sie es neu als PDF (zum "
        "Beispiel über „Drucken“ → „Als PDF speichern“)."
    ),
    "check_unavailable": N_(
        "Die Datei kann gerade nicht geprüft werden. Bitte versuchen Sie es in "
        "einigen Minuten erneut."
    ),
    # kurswerk.core.files.scan
    "virus_found": N_(
        "In der Datei wurde Schadsoftware gefunden. Sie wurde nicht gespeichert. "
        "Bitte prüfen Sie Ihren Computer und laden Sie eine saubere Datei hoch."
    ),
    "scan_unavailable": N_(
        "Die Datei kann gerade nicht auf Viren geprüft werden. Bitte versuchen "
        "Sie es in einigen Minuten erneut."
    ),
}
REJECTION_CODES = frozenset(REFUSALS)

# What active content was found (``PdfRejected.detail``), by kind
# (``kurswerk.core.files.pdf.active.ACTIVE_KINDS``).
ACTIVE_CONTENT_FOUND: dict[str, str] = {
    "javascript": N_("Gefunden: JavaScript."),
    "launch": N_("Gefunden: eine Aktion, die ein Programm oder eine Datei startet."),
    "open_action": N_("Gefunden: eine Aktion, die beim Öffnen automatisch abläuft."),
    "automatic_action": N_(
        "Gefunden: automatische Aktionen (zum Beispiel beim Öffnen einer Seite)."
    ),
    "embedded_file": N_("Gefunden: eingebettete oder angehängte Dateien."),
    "xfa": N_("Gefunden: ein XFA-Formular."),
    "form_submission": N_("Gefunden: ein Formular, das Daten versendet."),
    "other_document": N_("Gefunden: ein Verweis, der ein anderes Dokument öffnet."),
    "multimedia": N_("Gefunden: Multimedia-Inhalte (Video, Ton, 3D)."),
    "unsafe_link": N_(
        "Gefunden: ein Link, der nicht auf eine Webseite (http/https) oder eine "
        "E-Mail-Adresse zeigt."
    ),
}

# HTTP status per code; anything not listed is 422 (the request was fine, the file is not).
_STATUS: dict[str, int] = {
    "too_large": 413,
    "bad_content_type": 415,
    "malformed": 400,
    "too_many_parts": 400,
    "unexpected_field": 400,
    "field_too_long": 400,
    "scan_unavailable": 503,
    "check_unavailable": 503,
}


class UploadRejected(AppError):
    """The upload is refused; nothing of it is kept.

    ``code`` is stable (see ``_STATUS``); ``message`` is its text ``REFUSALS[code]`` (a
    message id); ``params`` fill its placeholders (e.g. ``limit_mb``).
    """

    def __init__(
        self,
        code: str,
        *,
        detail: str = "",
        reason: str = "",
        params: dict[str, object] | None = None,
    ) -> None:
        if code not in REJECTION_CODES:
            raise ValueError(f"unknown rejection code {code!r}")
        super().__init__(
            REFUSALS[code],
            _STATUS.get(code, 422),
            detail=detail,
            reason=f"{code}: {reason}" if reason else code,
            params=params,
        )
        self.code = code


class PdfRejected(UploadRejected):
    """The file is not one plain, readable PDF we accept (see ``kurswerk.core.files.pdf.check``).

    ``found`` names the kinds of active content for ``active_content`` (e.g.
    ``("javascript", "open_action")``); ``detail`` is then the text of the first
    (``ACTIVE_CONTENT_FOUND``).
    """

    def __init__(self, code: str, *, found: tuple[str, ...] = (), reason: str = "") -> None:
        super().__init__(
            code,
            detail=ACTIVE_CONTENT_FOUND[found[0]] if found else "",
            reason=reason or ", ".join(found),
        )
        self.found = found
