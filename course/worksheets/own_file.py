"""The course owner's own file for a worksheet (``file:`` in the lesson's front matter):
which types are offered, and the check that a file is what its name says.

A file is offered only as one of :data:`TYPES`, and only when its bytes are that type
(magic bytes and the parts its format must have), never by its name alone:

* ``.pdf`` - starts with ``%PDF-`` and passes the PDF check every submission passes
  (``kurswerk.core.files.pdf.check``): no scripts, automatic actions or embedded files in
  what learners download, and a template a learner fills and saves is accepted again;
* ``.docx`` / ``.xlsx`` - a ZIP archive (Office Open XML) with ``[Content_Types].xml`` and
  its main part (``word/document.xml`` / ``xl/workbook.xml``), without macros
  (``vbaProject.bin``);
* ``.odt`` / ``.ods`` - a ZIP archive (OpenDocument) whose first entry ``mimetype`` holds
  the format's media type.

Only the archive's directory and the small ``mimetype`` entry are read, so a packed bomb
is never unpacked. The owner's files are read by ``kurswerk content check|load`` (in
``course.content.worksheets``), and the PDF check runs in that process, without the
isolated workers of the upload: the course files are the operator's, not a learner's.
Nothing here touches a request.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kurswerk.core.files.errors import PdfRejected
from kurswerk.core.files.pdf.check import inspect_pdf

MAX_BYTES = 10 * 1024 * 1024
"""The largest own file a worksheet may carry (it is stored in the database)."""


@dataclass(frozen=True)
class FileType:
    extension: str
    media_type: str
    label: str
    """How the page names the format (not translated: these are the formats' names)."""


TYPES: dict[str, FileType] = {
    t.extension: t
    for t in (
        FileType(".pdf", "application/pdf", "PDF"),
        FileType(
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word",
        ),
        FileType(
            ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"
        ),
        FileType(".odt", "application/vnd.oasis.opendocument.text", "OpenDocument"),
        FileType(".ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument"),
    )
}
_OOXML_MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


@dataclass(frozen=True)
class OwnFile:
    """An own file read and checked: its bytes, type and hash."""

    path: str
    """As the front matter names it, relative to the course folder."""
    data: bytes
    file_type: FileType
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


class OwnFileProblem(ValueError):
    """What is wrong with a named file, as a sentence for ``kurswerk content check``."""


def read_own_file(course_folder: Path, named: str) -> OwnFile:
    """The file ``named`` (relative to ``course_folder``) read and checked; raises
    :class:`OwnFileProblem` naming what is wrong."""
    path = _inside(course_folder, named)
    file_type = TYPES.get(path.suffix.lower())
    if file_type is None:
        allowed = ", ".join(TYPES)
        raise OwnFileProblem(f"'{named}': a worksheet file must be one of {allowed}")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            limit = MAX_BYTES // (1024 * 1024)
            raise OwnFileProblem(f"'{named}' is larger than {limit} MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise OwnFileProblem(f"cannot read '{named}': {exc.strerror}") from exc
    if not data:
        raise OwnFileProblem(f"'{named}' is empty")
    problem = _content_problem(data, file_type)
    if problem:
        raise OwnFileProblem(f"'{named}' is not a {file_type.extension} file: {problem}")
    return OwnFile(named, data, file_type, hashlib.sha256(data).hexdigest())


def _inside(course_folder: Path, named: str) -> Path:
    """The path of ``named``: relative, forward slashes, inside the course folder (also
    after symbolic links are followed), an existing regular file."""
    pure = PurePosixPath(named)
    if pure.is_absolute() or "\\" in named or ".." in pure.parts:
        raise OwnFileProblem(
            f"'{named}': name the file relative to the course folder, without '..' "
            "(e.g. 'vorlagen/handlungsoptionen.docx')"
        )
    root = course_folder.resolve()
    path = (root / pure).resolve()
    if not path.is_relative_to(root):
        raise OwnFileProblem(f"'{named}' leads outside the course folder")
    if not path.is_file():
        raise OwnFileProblem(f"'{named}' does not exist (relative to {course_folder})")
    return path


def _content_problem(data: bytes, file_type: FileType) -> str:
    """Why ``data`` is not ``file_type`` ("" when it is)."""
    if file_type.extension == ".pdf":
        return _pdf_problem(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return "its content is no ZIP archive, as the format requires"
    with archive:
        names = archive.namelist()
        if file_type.extension in _OOXML_MAIN_PART:
            main = _OOXML_MAIN_PART[file_type.extension]
            if "[Content_Types].xml" not in names or main not in names:
                return f"the archive lacks '[Content_Types].xml' or '{main}'"
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return "it contains macros (vbaProject.bin)"
            return ""
        first = archive.infolist()[0] if names else None
        if first is None or first.filename != "mimetype" or first.file_size > 100:
            return "the archive does not start with its 'mimetype' entry"
        if archive.read(first).decode("ascii", "replace") != file_type.media_type:
            return f"its 'mimetype' entry is not {file_type.media_type}"
    return ""


def _pdf_problem(data: bytes) -> str:
    if not data.startswith(b"%PDF-"):
        return "it does not start with '%PDF-'"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as temp:
        temp.write(data)
        temp.flush()
        try:
            inspect_pdf(temp.name)
        except PdfRejected as rejected:
            found = f" ({', '.join(rejected.found)})" if rejected.found else ""
            return f"the PDF check refuses it: {rejected.code}{found}"
    return ""
