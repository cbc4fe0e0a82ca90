"""Fuzz the PDF check (``kurswerk/core/files/pdf/check.py``): bytes in, "accepted" or a refusal code
out - never an unexpected exception, a hang or memory beyond the worker's limit.

    .venv/bin/python -m fuzz.pdfcheck WORK_DIR fuzz/corpus/pdfcheck -timeout=10 ...

The check runs as a worker of ``kurswerk.core.files.isolation`` runs it: the process first caps its
address space at its size plus ``PdfLimits.memory_mb`` (:func:`limit_address_space`),
then each input goes through :func:`run_task` with the worker's task. Outcomes:

* the task returns a report or a refusal: fine (the refusal code must be a known one);
* ``MemoryError`` (the cap): fine, the pool turns it into ``too_complex``;
* any other exception - in production the worker's answer ``check_failed`` - is a
  finding: :class:`CheckCrashed` is raised and the fuzzer stops with the input saved;
* a hang: libFuzzer's ``-timeout`` (set to the worker's timeout, 10 s) stops the run;
* memory: the cap makes an allocation past it fail (above); libFuzzer's ``-rss_limit_mb``
  catches what would grow outside it.

Two ways to read an input, so that mutations also get past the cross-reference table
(qpdf refuses, without recovery, any file whose offsets no longer match):

* an input starting with ``%PDF`` is the file, byte for byte;
* any other input is a list of object bodies separated by ``\\x00endobj\\x00``, written as
  objects 1..n with a correct xref table (``tests/uploads/pdfs.raw_pdf``); a body with
  ``stream``/``endstream`` gets its ``/Length`` set to the data between them.

Only Python code is instrumented for coverage (ours and pikepdf's); qpdf itself (C++) is
exercised but not measured.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from fuzz import instrument_modules
from kurswerk.core.files.errors import REJECTION_CODES
from kurswerk.core.files.isolation import limit_address_space, run_task
from kurswerk.core.files.pdf.check import PdfLimits, _inspect_in_worker
from tests.uploads.pdfs import raw_pdf

OBJECT_SEPARATOR = b"\x00endobj\x00"
LIMITS = PdfLimits()
_LENGTH = re.compile(rb"/Length\s+\d+(\s+\d+\s+R)?")


class CheckCrashed(AssertionError):
    """The check raised something a worker would report as ``check_failed`` (a finding)."""


def pdf_from_input(data: bytes) -> bytes:
    """The file an input stands for (see the module's docstring)."""
    if data.startswith(b"%PDF"):
        return data
    return raw_pdf([_with_length(body) for body in data.split(OBJECT_SEPARATOR)])


def _with_length(body: bytes) -> bytes:
    start, end = body.find(b"stream\n"), body.rfind(b"\nendstream")
    if start < 0 or end < start + 7:
        return body
    length = b"/Length %d" % (end - start - 7)
    head = body[:start]
    head = _LENGTH.sub(length, head, count=1) if _LENGTH.search(head) else head
    if length not in head and head.rstrip().endswith(b">>"):
        head = head.rstrip()[:-2] + b" " + length + b" >>\n"
    return head + body[start:]


def outcome(path: Path) -> str:
    """Check the file at ``path`` as a worker does: "accepted" or the refusal code."""
    kind, payload = run_task(_inspect_in_worker, (str(path), LIMITS))
    if kind == "memory":
        return "too_complex"
    if kind != "ok":
        raise CheckCrashed(payload)
    result, value = payload
    if result == "report":
        return "accepted"
    code = value[0]
    if code not in REJECTION_CODES:
        raise CheckCrashed(f"unknown refusal code {code!r}")
    return str(code)


_scratch: Path | None = None


def fuzz_one_input(data: bytes) -> None:
    assert _scratch is not None
    _scratch.write_bytes(pdf_from_input(data))
    outcome(_scratch)


def main() -> None:
    import atheris

    global _scratch
    _scratch = Path(tempfile.mkdtemp(prefix="fuzz-pdfcheck-")) / "input.pdf"
    instrument_modules(
        "kurswerk.core.files.pdf", "kurswerk.core.files.isolation", "pikepdf", "fuzz.pdfcheck"
    )
    limit_address_space(LIMITS.memory_mb)
    atheris.Setup(sys.argv, fuzz_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
