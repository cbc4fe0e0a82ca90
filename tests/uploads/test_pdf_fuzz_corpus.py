"""The PDF fuzzer's corpus (fuzz/corpus/pdfcheck) as regression tests: every file - seeds
and what fuzzing found - through the real isolated checker, with the outcome its name
promises (``<outcome>--<what>``). A crash in the worker would be ``check_failed``, which
no file promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from fuzz.pdfcheck import pdf_from_input
from kurswerk.core.files.errors import REJECTION_CODES, PdfRejected
from kurswerk.core.files.pdf.check import check_pdf

CORPUS = Path(__file__).resolve().parents[2] / "fuzz" / "corpus" / "pdfcheck"
FILES = sorted(CORPUS.iterdir())


def test_the_corpus_has_seeds_and_findings():
    names = [path.name for path in FILES]
    assert any(name.startswith("decompression_bomb--") for name in names)
    assert any("--finding-" in name for name in names)


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_each_file_gets_the_outcome_its_name_promises(checker, write_file, path):
    expected = path.name.split("--", 1)[0]
    assert expected == "accepted" or expected in REJECTION_CODES - {"check_failed"}
    upload = write_file(pdf_from_input(path.read_bytes()))
    try:
        check_pdf(upload, checker)
        outcome = "accepted"
    except PdfRejected as rejected:
        outcome = rejected.code
    assert outcome == expected
