"""PDFs with real text lines (Helvetica, not embedded: PDF.js draws it with its standard
fonts), for the workbench's browser tests: the viewer's text layer must hold these lines,
and a tutor highlights one of them."""

from __future__ import annotations

import hashlib
import io

import pikepdf
from pikepdf import Dictionary, Name
from sqlmodel import Session, select

from kurswerk.core.files.storage import LocalStorage
from uploads.models import Submission, SubmissionVersion

LINES = (
    "Die Zielgruppe sind junge Eltern in der Stadt.",
    "Instagram und Pinterest zeigen Ideen für den Alltag.",
    "Jede Woche erscheinen drei Beiträge mit kurzen Videos.",
    "Der Erfolg wird an gespeicherten Beiträgen gemessen.",
)


def _escaped(line: str) -> bytes:
    raw = line.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_pdf(pages: int = 3, lines: tuple[str, ...] = LINES) -> bytes:
    """``pages`` A4 pages, each headed "Seite n" and then ``lines``, one per text line."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type1,
            BaseFont=Name.Helvetica,
            Encoding=Name.WinAnsiEncoding,
        )
    )
    for number in range(1, pages + 1):
        shown = [f"Seite {number}", *lines]
        ops = (
            b"BT /F1 14 Tf 20 TL 72 760 Td "
            + b" ".join(b"(%s) Tj T*" % _escaped(line) for line in shown)
            + b" ET"
        )
        page = Dictionary(
            Type=Name.Page,
            MediaBox=[0, 0, 595, 842],
            Contents=pdf.make_stream(ops),
            Resources=Dictionary(Font=Dictionary(F1=font)),
        )
        pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def with_note(data: bytes, text: str, author: str) -> bytes:
    """``data`` with a note (a /Text annotation) on its first page, as a PDF viewer or
    the workbench's release writes one."""
    pdf = pikepdf.open(io.BytesIO(data))
    note = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Text,
        Rect=[300, 600, 320, 620],
        Contents=pikepdf.String(text),
        T=pikepdf.String(author),
        C=[1, 0.83, 0],
        Name=Name.Comment,
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(note)]))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def use_pdf(db: Session, storage: LocalStorage, submission: Submission, data: bytes) -> None:
    """Make ``data`` the submission's latest version's PDF (stored like an upload)."""
    temp = storage.put_temp()
    temp.file.write(data)
    temp.file.close()
    sha = hashlib.sha256(data).hexdigest()
    key = storage.commit(temp.path, sha)
    version = db.exec(
        select(SubmissionVersion)
        .where(SubmissionVersion.submission_id == submission.id)
        .order_by(SubmissionVersion.number.desc())  # type: ignore[attr-defined]
    ).first()
    assert version is not None
    version.file_key, version.sha256, version.size = key, sha, len(data)
    version.pages = len(pikepdf.open(io.BytesIO(data)).pages)
    db.add(version)
    db.commit()
