"""The annotated PDF as a reader's viewer gets it (``feedback.workbench.writer``): the
source is only read; a page's own annotations stay; notes keep their icon upright and
free text reads upright on a turned page; coordinates go in as the client sent them
(user space, also on a cropped page); a long freehand set is thinned in ``/InkList``
only; the result passes our PDF check."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest

from feedback.workbench import writer
from feedback.workbench.document import parse_save
from feedback.workbench.writer import PdfWriteFailed, write_annotated
from kurswerk.core.files.pdf.check import inspect_pdf
from tests.feedback.workbench.conftest import pdf_of
from tests.feedback.workbench.helpers import freetext, highlight, ink, note

WHEN = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)


def items(*raw: dict) -> list:
    return parse_save(json.dumps({"revision": 0, "annotations": list(raw)}).encode()).annotations


def write(tmp_path: Path, source: bytes, *raw: dict) -> pikepdf.Pdf:
    src, out = tmp_path / "in.pdf", tmp_path / "out.pdf"
    src.write_bytes(source)
    write_annotated(src, out, items(*raw), author="Tilda Tutorin", when=WHEN)
    inspect_pdf(out)  # our PDF check, in this process
    return pikepdf.open(out)


def shown(annot: pikepdf.Dictionary) -> list[bytes]:
    """The strings the appearance stream shows (``Tj``), as bytes."""
    return [
        bytes(operands[0])
        for operands, operator in pikepdf.parse_content_stream(annot.AP.N)
        if str(operator) == "Tj"
    ]


def test_the_source_file_is_only_read(tmp_path):
    src = tmp_path / "in.pdf"
    src.write_bytes(pdf_of([{}]))
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    write_annotated(src, tmp_path / "out.pdf", items(note(), ink()), author="T", when=WHEN)
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before


def test_existing_annotations_of_a_page_stay_and_ours_follow(tmp_path):
    pdf = pikepdf.open(io.BytesIO(pdf_of([{}])))
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 72, 200, 90],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org")),
    )  # fmt: skip
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    source = tmp_path / "with-link.pdf"
    pdf.save(source)
    with write(tmp_path, source.read_bytes(), note()) as out:
        assert [str(a.Subtype) for a in out.pages[0].Annots] == ["/Link", "/Text"]


def test_each_annotation_names_the_tutor_the_date_the_colour_and_its_id(tmp_path):
    with write(tmp_path, pdf_of([{}]), highlight(color="#ff0000")) as out:
        (annot,) = out.pages[0].Annots
        assert str(annot.T) == "Tilda Tutorin"
        assert str(annot.M) == str(annot.CreationDate) == "D:20261207103000+00'00"
        assert [float(n) for n in annot.C] == [1.0, 0.0, 0.0]
        assert str(annot.NM) == "kurswerk-h1"
        assert annot.P.objgen == out.pages[0].obj.objgen
        assert int(annot.F) == writer.PRINT
        form = annot.AP.N
        assert str(form.Resources.ExtGState.GS0.BM) == "/Multiply"
        assert b"re" in form.read_bytes()


def test_a_note_keeps_its_icon_upright_at_its_pin(tmp_path):
    with write(tmp_path, pdf_of([{"rotate": 90}]), note(at=[100, 700])) as out:
        (annot,) = out.pages[0].Annots
        assert int(annot.F) == writer.PRINT | writer.NO_ZOOM | writer.NO_ROTATE
        assert [float(n) for n in annot.Rect] == [100, 680, 120, 700]  # upper left at the pin
        assert str(annot.Contents) == "Schön!"


@pytest.mark.parametrize(
    ("rotate", "matrix", "bbox"),
    [
        (0, [1, 0, 0, 1, 0, 0], [0, 0, 228, 60]),
        (90, [0, 1, -1, 0, 0, 0], [0, 0, 60, 228]),
        (180, [-1, 0, 0, -1, 0, 0], [0, 0, 228, 60]),
        (270, [0, -1, 1, 0, 0, 0], [0, 0, 60, 228]),
    ],
)
def test_free_text_reads_upright_on_a_turned_page(tmp_path, rotate, matrix, bbox):
    """The box is the page's (228 x 60 pt unrotated); on a page turned by 90 degrees the
    lines run along its 60 pt side, as the page is shown."""
    with write(tmp_path, pdf_of([{"rotate": rotate}]), freetext()) as out:
        (annot,) = out.pages[0].Annots
        assert [float(n) for n in annot.Rect] == [72, 400, 300, 460]
        assert [float(n) for n in annot.AP.N.Matrix] == matrix
        assert [float(n) for n in annot.AP.N.BBox] == bbox
        assert str(annot.DA) == "/Helv 12 Tf 0.753 0 0 rg"
        assert str(annot.Contents) == "Bitte die Kanäle begründen."
        assert b"Kan\xe4le" in b" ".join(shown(annot))  # WinAnsi: ä is 0xE4


def test_text_outside_winansi_is_kept_in_contents_and_shown_as_a_question_mark(tmp_path):
    with write(tmp_path, pdf_of([{}]), freetext(text="Gut ✓ – € ü")) as out:
        (annot,) = out.pages[0].Annots
        assert str(annot.Contents) == "Gut ✓ – € ü"
        assert shown(annot) == ["Gut ? – € ü".encode("cp1252", errors="replace")]


def test_a_cropped_page_takes_the_coordinates_as_they_are(tmp_path):
    with write(tmp_path, pdf_of([{"crop": [100, 200, 400, 600]}]), note(at=[150, 590])) as out:
        (annot,) = out.pages[0].Annots
        assert [float(n) for n in annot.Rect] == [150, 570, 170, 590]


def test_a_long_freehand_set_is_thinned_in_inklist_and_kept_whole_in_the_appearance(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(writer, "INK_LIST_POINTS", 100)
    path = [[100 + i / 10, 100 + (i % 7)] for i in range(1000)]
    with write(tmp_path, pdf_of([{}]), ink(paths=[path])) as out:
        (annot,) = out.pages[0].Annots
        (inklist,) = annot.InkList
        assert 100 <= len(inklist) // 2 <= 101
        assert [float(n) for n in inklist[-2:]] == pytest.approx(path[-1])
        assert annot.AP.N.read_bytes().count(b" l") == 999


def test_a_page_the_pdf_does_not_have_fails_cleanly(tmp_path):
    src = tmp_path / "in.pdf"
    src.write_bytes(pdf_of([{}]))
    with pytest.raises(PdfWriteFailed):
        write_annotated(src, tmp_path / "out.pdf", items(note(page=2)), author="T", when=WHEN)
