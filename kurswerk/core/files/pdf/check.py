"""Is this file one plain, readable PDF? Checked by content, never by name (coaching issue).

What is accepted, in the order it is checked (each refusal has a stable code, see
``kurswerk/core/files/errors.py`` and ``kurswerk/core/files/messages.py``):

1. ``empty`` - the file has no bytes.
2. ``not_pdf`` / ``leading_data`` - the file must start with ``%PDF-x.y`` at byte 0.
   Readers also accept a header anywhere in the first KiB, which is how HTML/PDF and
   image/PDF polyglots work: a ``%PDF-`` found later than byte 0 is ``leading_data``;
   no header at all is ``not_pdf``.
3. ``trailing_data`` - after the last ``%%EOF`` only PDF white-space may follow (NUL, TAB,
   LF, FF, CR, SP), so nothing (a ZIP, HTML) hides behind the document. In addition no
   ZIP end-of-central-directory record (``PK\\x05\\x06``) may lie in the last 64 KiB + 22
   bytes, where a ZIP reader looks for it: that refuses a PDF/ZIP polyglot whose ZIP
   comment covers the PDF trailer. (Chance that compressed data contains those 4 bytes by
   accident in that window: about 1 in 65,000 files.) A file whose end has no ``%%EOF``
   at all is ``parse_error``.
4. ``encrypted`` - any encryption, with or without a user password: tutors must be able
   to open and annotate the file.
5. ``parse_error`` / ``parse_warnings`` - pikepdf (qpdf) opens the file without recovery;
   any warning (a repaired xref, a damaged object, a page tree it had to fix) refuses the
   file, because pikepdf would otherwise repair it silently and another reader might see
   a different document.
6. ``no_pages`` - at least one page.
7. ``too_complex`` - more than ``node_limit`` objects/values in the object graph, or the
   check ran into the worker's memory limit.
8. ``active_content`` - see below.
9. ``decompression_bomb`` - the streams decode to more than the file's budget: at most
   ``decoded_limit_mb`` in all, and beyond ``decoded_ratio_floor_mb`` at most
   ``decoded_ratio_limit`` decoded bytes per file byte (``kurswerk/core/files/pdf/streams.py``, with
   the measurements the bounds come from). Counted while inflating in 1 MiB chunks that
   are dropped, stopping at the budget: a bomb never materialises in the worker.
10. ``timeout`` / ``check_failed`` / ``check_unavailable`` - the isolated check did not
   finish in time, failed unexpectedly (the worker died), or no worker was available. We
   fail closed: nothing is accepted that was not fully checked.

**Active content is refused, not stripped.** A submission is a document to read. Stripping
would mean rewriting the learner's file: the stored bytes would differ from what was sent
(hash, signature, layout risks), tutors would review a file the learner never saw, and the
rule is harder to explain. Refusing gives one clear sentence ("save it again as PDF")
and keeps the stored file byte-identical to the upload. Refused (the ``found`` kinds):

* ``javascript`` - a ``/JS`` or ``/JavaScript`` key, or the name ``/JavaScript`` anywhere
  (action type, name tree);
* ``open_action`` - an ``/OpenAction`` that is an action other than ``/GoTo``; a plain
  destination (an array, e.g. "open at page 1", which LibreOffice writes) is fine;
* ``automatic_action`` - any ``/AA`` (actions on open/close/focus/keystroke);
* ``launch`` - a ``/Launch`` action (starts a program or opens a file);
* ``form_submission`` - ``/SubmitForm`` or ``/ImportData`` actions;
* ``other_document`` - ``/GoToR`` or ``/GoToE`` actions (open another/embedded document);
* ``embedded_file`` - ``/EmbeddedFiles``, ``/EF``, ``/EmbeddedFile``, file-attachment
  annotations;
* ``xfa`` - an ``/XFA`` form;
* ``multimedia`` - RichMedia, 3D, Screen, Movie, Sound annotations and Rendition actions
  (players that can run scripts);
* ``unsafe_link`` - a ``/URI`` whose target is not ``http:``, ``https:`` or ``mailto:``
  (e.g. ``javascript:``, ``file:``, ``data:``, relative links).

Links (``/URI`` with http/https/mailto) and jumps inside the document (``/GoTo``,
``/Named``) stay allowed: learner documents contain them. So do the other action types
that only change the view (``/Hide``, ``/SetOCGState``, ``/Thread``, ``/Trans``,
``/ResetForm``). The rules err on refusing: a refused name anywhere counts, wherever it
stands.

How the graph is walked: every indirect object qpdf knows from the cross-reference data
(``Pdf.objects``, which includes the objects inside object streams) plus the trailer is a
root; from each root, direct dictionaries and arrays are walked iteratively (no recursion,
a node cap); indirect references are not followed, since each is a root of its own (only
an ``/OpenAction``, its ``/S`` and a ``/URI`` are looked up behind a reference, to judge
their value). Each root is read as qpdf's JSON of that object, a batch of roots per
``json.loads``: one call into qpdf per object instead of several per value, which made the
walk three times faster. Names are compared after qpdf has decoded them, so
``/J#61vaScript`` is ``/JavaScript``; in the JSON a name and a string cannot be confused
(strings carry a ``u:``/``b:`` prefix), so text such as ``(/JavaScript)`` is no name. The
walk reads stream dictionaries only; stream *data* is read afterwards, by step 9. (qpdf
decompresses *object streams* while opening the file, to read the objects inside them; the
worker's memory limit bounds that, and qpdf reports the failed allocation as a warning,
which refuses the file as too complex.)

Isolation: :func:`check_pdf` runs :func:`inspect_pdf` in a pre-started worker process with
a memory limit and a timeout (``kurswerk/core/files/isolation.py``). ``python -m
kurswerk.core.files.pdf.check FILE``
checks one file in a fresh process with the same limits and prints the result as JSON.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import resource
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pikepdf

from kurswerk.core.files.errors import PdfRejected
from kurswerk.core.files.isolation import (
    WorkerFailed,
    WorkerOutOfMemory,
    WorkerPool,
    WorkerTimeout,
    WorkerUnavailable,
    limit_address_space,
)
from kurswerk.core.files.pdf.active import find_active_content
from kurswerk.core.files.pdf.streams import decoded_budget, measure_decoded

PDF_WHITESPACE = b"\x00\t\n\x0c\r "
HEADER_WINDOW = 1024
ZIP_EOCD = b"PK\x05\x06"
ZIP_EOCD_WINDOW = 65535 + 22  # largest ZIP comment + the record itself
_HEADER = re.compile(rb"%PDF-[0-9]\.[0-9]")


@dataclass(frozen=True)
class PdfLimits:
    node_limit: int = 250_000  # a 300-page office PDF has ~7,000
    memory_mb: int = 384  # address space a check may add to its worker
    timeout_seconds: float = 10.0
    # What all streams may decode to (see kurswerk/core/files/pdf/streams.py for the measurements):
    decoded_limit_mb: int = 1024  # in all, whatever the file's size
    decoded_ratio_limit: int = 100  # decoded bytes per file byte, beyond the floor
    decoded_ratio_floor_mb: int = 64  # this much may decode from any file


@dataclass(frozen=True)
class PdfReport:
    pages: int
    version: str  # from the file's header as qpdf reads it, e.g. "1.7"
    size: int  # bytes
    objects: int  # indirect objects in the cross-reference data
    nodes: int  # dictionaries, arrays and values walked


def inspect_pdf(path: str | os.PathLike[str], limits: PdfLimits = PdfLimits()) -> PdfReport:
    """Check ``path`` in this process; raise :class:`PdfRejected` or return a report.

    No isolation here: use :func:`check_pdf` for files from outside.
    """
    size = _check_bytes(Path(path))
    try:
        pdf = pikepdf.open(
            Path(path),
            attempt_recovery=False,
            suppress_warnings=True,
            inherit_page_attributes=False,
        )
    except pikepdf.PasswordError as exc:
        raise PdfRejected("encrypted", reason="needs a password") from exc
    except pikepdf.PdfError as exc:
        raise PdfRejected("parse_error", reason=str(exc)[:200]) from exc
    with pdf:
        if pdf.is_encrypted:
            raise PdfRejected("encrypted", reason="encrypted without user password")
        try:
            pages = len(pdf.pages)
            _refuse_warnings(pdf)
            if pages == 0:
                raise PdfRejected("no_pages")
            indirect = pdf.objects
            objects = len(indirect)
            if objects > limits.node_limit:
                raise PdfRejected("too_complex", reason=f"{objects} objects")
            found, nodes = find_active_content(pdf, limits.node_limit, indirect)
            _refuse_warnings(pdf)
            if found:
                raise PdfRejected("active_content", found=found)
            measure_decoded(indirect, _decoded_budget(size, limits))
            _refuse_warnings(pdf)
        # QpdfRuntimeError: e.g. "/Count is wrong after flattening pages tree" (found by
        # fuzzing); UnicodeDecodeError: a qpdf message with bytes that are not UTF-8
        except (pikepdf.PdfError, pikepdf.QpdfRuntimeError, UnicodeDecodeError) as exc:
            raise PdfRejected("parse_error", reason=str(exc)[:200]) from exc
        return PdfReport(
            pages=pages, version=pdf.pdf_version, size=size, objects=objects, nodes=nodes
        )


def _decoded_budget(size: int, limits: PdfLimits) -> int:
    mib = 1024 * 1024
    return decoded_budget(
        size,
        limit=limits.decoded_limit_mb * mib,
        ratio=limits.decoded_ratio_limit,
        floor=limits.decoded_ratio_floor_mb * mib,
    )


def _check_bytes(path: Path) -> int:
    """Header at byte 0, only white-space after the last ``%%EOF``, no ZIP at the end."""
    with open(path, "rb") as file:
        head = file.read(HEADER_WINDOW)
        if not head:
            raise PdfRejected("empty")
        if not head.startswith(b"%PDF-"):
            code = "leading_data" if b"%PDF-" in head else "not_pdf"
            raise PdfRejected(code, reason=repr(head[:16]))
        if not _HEADER.match(head):
            raise PdfRejected("not_pdf", reason=repr(head[:16]))
        size = os.fstat(file.fileno()).st_size
        window = min(size, ZIP_EOCD_WINDOW)
        file.seek(size - window)
        tail = file.read(window)
    if ZIP_EOCD in tail:
        raise PdfRejected("trailing_data", reason="ZIP end record near the end")
    if not tail.rstrip(PDF_WHITESPACE).endswith(b"%%EOF"):
        if b"%%EOF" in tail:
            raise PdfRejected("trailing_data", reason="data after the last %%EOF")
        raise PdfRejected("parse_error", reason="no %%EOF at the end")
    return size


def _refuse_warnings(pdf: pikepdf.Pdf) -> None:
    """Any warning refuses the file. qpdf catches an allocation that fails while it decodes
    a stream (an object stream past the worker's memory limit) and reports it as a
    warning, not an exception: that one means "too big to check", not "broken"."""
    warnings = pdf.get_warnings()
    if warnings:
        first = str(warnings[0])
        code = "too_complex" if "std::bad_alloc" in first else "parse_warnings"
        raise PdfRejected(code, reason=first[:200])


# -- isolation -----------------------------------------------------------------------------


def _inspect_in_worker(argument: tuple[str, PdfLimits]) -> tuple[str, Any]:
    """Worker side: plain data back over the pipe (our exceptions do not pickle)."""
    path, limits = argument
    try:
        return ("report", asdict(inspect_pdf(path, limits)))
    except PdfRejected as rejected:
        return ("rejected", (rejected.code, rejected.found, rejected.reason))


class PdfChecker:
    """Checks PDFs in a pool of isolated workers (see ``kurswerk/core/files/isolation.py``)."""

    def __init__(self, limits: PdfLimits = PdfLimits(), *, workers: int = 2) -> None:
        self.limits = limits
        self._pool = WorkerPool(
            _inspect_in_worker,
            workers=workers,
            timeout_seconds=limits.timeout_seconds,
            memory_mb=limits.memory_mb,
        )

    def warm_up(self) -> None:
        self._pool.warm_up()

    def check(self, path: str | os.PathLike[str]) -> PdfReport:
        try:
            kind, payload = self._pool.run((os.fspath(path), self.limits))
        except WorkerTimeout as exc:
            raise PdfRejected("timeout", reason=str(exc)) from exc
        except WorkerOutOfMemory as exc:
            raise PdfRejected("too_complex", reason=str(exc)) from exc
        except WorkerFailed as exc:
            raise PdfRejected("check_failed", reason=str(exc)) from exc
        except WorkerUnavailable as exc:
            raise PdfRejected("check_unavailable", reason=str(exc)) from exc
        if kind == "report":
            return PdfReport(**payload)
        code, found, reason = payload
        raise PdfRejected(code, found=tuple(found), reason=reason)

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> PdfChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_default_checker: PdfChecker | None = None
_default_lock = threading.Lock()


def default_checker() -> PdfChecker:
    """The process-wide checker (started on first use; stopped at exit)."""
    global _default_checker
    with _default_lock:
        if _default_checker is None:
            _default_checker = PdfChecker()
            atexit.register(_default_checker.close)
        return _default_checker


def check_pdf(path: str | os.PathLike[str], checker: PdfChecker | None = None) -> PdfReport:
    """Check ``path`` in an isolated worker; return a report or raise :class:`PdfRejected`."""
    return (checker or default_checker()).check(path)


def main(argv: list[str] | None = None) -> int:
    """``python -m kurswerk.core.files.pdf.check FILE``: one check in this (fresh) process,
    limited like
    a worker (memory; CPU time as a stand-in for the wall clock, which the caller should
    add), printed as JSON; exit code 0 accepted, 1 refused."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m kurswerk.core.files.pdf.check FILE", file=sys.stderr)
        return 2
    limits = PdfLimits()
    limit_address_space(limits.memory_mb)
    seconds = max(1, int(limits.timeout_seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))  # the caller adds a wall clock
    try:
        report = inspect_pdf(args[0], limits)
    except PdfRejected as rejected:
        print(json.dumps({"rejected": rejected.code, "found": list(rejected.found)}))
        return 1
    except MemoryError:
        print(json.dumps({"rejected": "too_complex", "found": []}))
        return 1
    print(json.dumps(asdict(report)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
