"""kurswerk.core.files.pdf.check: one plain, readable PDF, checked by content in an isolated worker
(coaching issue: hostile inputs; FIELD-NOTES "Uploads and PDFs")."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import threading
import zlib

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from kurswerk.core.files.errors import PdfRejected
from kurswerk.core.files.pdf.check import PdfChecker, PdfLimits, check_pdf, inspect_pdf
from tests.uploads import pdfs
from tests.uploads.pdfs import active, rejection

# -- what is accepted ------------------------------------------------------------------------


def test_a_plain_pdf_is_accepted_with_its_page_count_and_version(checker, write_file):
    report = check_pdf(write_file(pdfs.make_pdf(pages=3)), checker)
    assert report.pages == 3
    assert re.fullmatch(r"\d\.\d", report.version)
    assert report.objects > 3 and report.nodes > report.objects


def test_a_pdf_with_object_streams_is_accepted(checker, write_file):
    assert check_pdf(write_file(pdfs.make_pdf(pages=2, object_streams=True)), checker).pages == 2


def test_trailing_white_space_after_eof_is_accepted(checker, write_file):
    path = write_file(pdfs.make_pdf() + b"\r\n\x00\x00 \t\n")
    assert check_pdf(path, checker).pages == 1


def test_web_and_mail_links_and_an_open_at_page_destination_are_accepted(checker, write_file):
    def links(pdf):
        pdf.Root.OpenAction = Array([pdf.pages[0].obj, Name.XYZ, None, None, 0])
        pdf.pages[0].obj.Annots = pdf.make_indirect(
            Array(
                [
                    pdf.make_indirect(
                        Dictionary(
                            Type=Name.Annot,
                            Subtype=Name.Link,
                            Rect=[0, 0, 10, 10],
                            A=pdfs.uri_action(uri),
                        )
                    )
                    for uri in ("https://example.org/a", "HTTP://example.org", "mailto:a@b.de")
                ]
            )
        )

    assert check_pdf(write_file(pdfs.make_pdf(change=links)), checker).pages == 1


def test_an_open_action_that_only_goes_to_a_page_is_accepted(checker, write_file):
    def goto(pdf):
        pdf.Root.OpenAction = Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit]))

    assert check_pdf(write_file(pdfs.make_pdf(change=goto)), checker).pages == 1


def test_a_libreoffice_style_length_in_an_indirect_integer_is_accepted(checker, write_file):
    """LibreOffice writes each stream's /Length as an object of its own (``5 0 obj 44
    endobj``), which pikepdf hands over as a Python int, not a pikepdf object."""
    content = b"BT /F1 12 Tf 72 720 Td (Hallo) Tj ET"
    page = pdfs.PAGE.replace(b"/Resources << >>", b"/Resources << >> /Contents 4 0 R")
    stream = b"<< /Length 5 0 R >>\nstream\n%s\nendstream" % content
    data = pdfs.raw_pdf([pdfs.CATALOG, pdfs.PAGES, page, stream, b"%d" % len(content)])
    assert check_pdf(write_file(data), checker).pages == 1


def test_an_honest_large_pdf_is_accepted(checker, write_file):
    """15 MB of photo data (incompressible, Flate-compressed by pikepdf: ratio ~1)."""
    data = pdfs.photo_pdf(15 * 1024 * 1024)
    assert check_pdf(write_file(data), checker).pages == 2


def test_screenshots_that_compress_thirtyfold_are_accepted(checker, write_file):
    """Flat-colour screenshots compress best of what honest documents hold (measured up
    to ~40:1, see kurswerk/core/files/pdf/streams.py): 80 MiB from ~2.7 MB is well inside the budget
    (100 x file size above the 64 MiB floor)."""
    screen = (os.urandom(1024) + bytes(31 * 1024)) * (80 * 32)
    data = pdfs.stream_pdf(zlib.compress(screen, 6))
    assert len(screen) / len(data) > 25
    assert check_pdf(write_file(data), checker).pages == 1


def test_a_decompression_bomb_is_refused(checker, write_file, bomb):
    """The attack: a 0.5 MB PDF whose content stream inflates to 512 MiB (beyond the
    worker's memory budget of 384 MiB, so counting it must not materialise it)."""
    assert rejection(checker, write_file(bomb)).code == "decompression_bomb"


def test_a_bomb_inflated_twice_is_counted_without_materialising_it(checker, write_file):
    """``/Filter [/FlateDecode /FlateDecode]``: 512 MiB from a few KB. Decoding it whole
    would run into the memory limit (too_complex); counting it chunk by chunk does not."""
    data = pdfs.stream_pdf(
        zlib.compress(pdfs.inflating_zeros(512), 9), b"[/FlateDecode /FlateDecode]"
    )
    assert len(data) < 64 * 1024
    assert rejection(checker, write_file(data)).code == "decompression_bomb"


def test_a_bomb_behind_an_ascii_filter_is_refused(checker, write_file):
    """``[/ASCIIHexDecode /FlateDecode]`` is decoded by qpdf (under the memory limit)."""
    data = pdfs.stream_pdf(
        pdfs.inflating_zeros(100).hex().encode() + b">", b"[/ASCIIHexDecode /FlateDecode]"
    )
    assert rejection(checker, write_file(data)).code == "decompression_bomb"


def test_an_expanding_filter_before_an_image_codec_is_not_measured_and_refused(checker, write_file):
    data = pdfs.stream_pdf(b"\x80", b"[/RunLengthDecode /DCTDecode]")
    assert rejection(checker, write_file(data)).code == "too_complex"


def test_a_small_file_may_inflate_up_to_the_floor(checker, write_file):
    """A blank scan page: 40 MiB of white from ~40 KB is harmless (under the 64 MiB
    floor), although its ratio is ~1000."""
    assert check_pdf(write_file(pdfs.bomb_pdf(decoded_mib=40)), checker).pages == 1


def test_beyond_the_floor_the_ratio_decides(write_file):
    """Small limits, so that the rule shows on small files: ratio 10 above a 1 MiB floor."""
    limits = PdfLimits(decoded_ratio_limit=10, decoded_ratio_floor_mb=1)
    padding = pdfs.padding_object(1024 * 1024)  # the file is ~1 MiB
    within = pdfs.stream_pdf(pdfs.inflating_zeros(8), extra=padding)  # ~9 MiB: ratio ~9
    beyond = pdfs.stream_pdf(pdfs.inflating_zeros(12), extra=padding)  # ~13 MiB: ratio ~13
    assert inspect_pdf(write_file(within, "within.pdf"), limits).pages == 1
    with pytest.raises(PdfRejected) as caught:
        inspect_pdf(write_file(beyond, "beyond.pdf"), limits)
    assert caught.value.code == "decompression_bomb"


def test_the_absolute_bound_holds_whatever_the_ratio(write_file):
    padding = pdfs.padding_object(1024 * 1024)
    path = write_file(pdfs.stream_pdf(pdfs.inflating_zeros(8), extra=padding))
    assert inspect_pdf(path, PdfLimits(decoded_limit_mb=10)).pages == 1
    with pytest.raises(PdfRejected) as caught:
        inspect_pdf(path, PdfLimits(decoded_limit_mb=8))
    assert caught.value.code == "decompression_bomb"


def test_the_bomb_really_exceeds_the_worker_memory_budget_when_decoded(write_file, bomb):
    """Guards the test above: decoding the same stream under the same limit fails."""
    path = write_file(bomb)
    script = textwrap.dedent(
        f"""
        import resource, pikepdf
        from kurswerk.core.files.isolation import address_space_bytes
        limit = address_space_bytes() + {PdfLimits().memory_mb} * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        pdf = pikepdf.open({str(path)!r})
        try:
            pdf.pages[0].Contents.read_bytes()
        except MemoryError:
            print("MemoryError")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert "MemoryError" in result.stdout or result.returncode != 0


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = pdfs.bomb_pdf(decoded_mib=512)
    assert len(data) < 1024 * 1024  # small on the wire
    return data


# -- not a PDF, or a PDF with something else around it -------------------------------------


def test_an_empty_file_is_refused(checker, write_file):
    assert rejection(checker, write_file(b"")).code == "empty"


def test_a_text_file_named_pdf_is_refused(checker, write_file):
    path = write_file("Meine Strategie für Social Media\n".encode(), name="arbeit.pdf")
    assert rejection(checker, path).code == "not_pdf"


def test_a_png_that_carries_a_pdf_header_after_its_signature_is_refused(checker, write_file):
    path = write_file(pdfs.png_bytes() + pdfs.make_pdf())
    assert rejection(checker, path).code == "leading_data"


def test_a_png_behind_a_pdf_header_is_refused(checker, write_file):
    path = write_file(b"%PDF-1.7\n" + pdfs.png_bytes())
    assert rejection(checker, path).code == "parse_error"


def test_an_html_pdf_polyglot_is_refused(checker, write_file):
    html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
    path = write_file(html + pdfs.make_pdf())
    # The premise: pikepdf itself opens it without a word.
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1 and not pdf.get_warnings()
    assert rejection(checker, path).code == "leading_data"


def test_html_longer_than_the_header_window_before_a_pdf_is_not_a_pdf(checker, write_file):
    path = write_file(b"<html>" + b" " * 2000 + b"</html>" + pdfs.make_pdf())
    assert rejection(checker, path).code == "not_pdf"


def test_a_zip_after_eof_is_refused(checker, write_file):
    path = write_file(pdfs.make_pdf() + pdfs.zip_bytes())
    with pikepdf.open(path) as pdf:  # the premise: pikepdf opens it without a word
        assert len(pdf.pages) == 1 and not pdf.get_warnings()
    assert rejection(checker, path).code == "trailing_data"


def test_a_zip_hidden_before_a_final_eof_marker_is_refused(checker, write_file):
    path = write_file(pdfs.make_pdf() + pdfs.zip_bytes() + b"\n%%EOF\n")
    assert rejection(checker, path).code == "trailing_data"


def test_text_after_eof_is_refused(checker, write_file):
    path = write_file(pdfs.make_pdf() + b"<html>hello</html>\n")
    assert rejection(checker, path).code == "trailing_data"


def test_a_truncated_pdf_without_eof_is_refused(checker, write_file):
    data = pdfs.make_pdf(pages=2)
    assert rejection(checker, write_file(data[: len(data) // 2])).code == "parse_error"


def test_a_header_without_a_version_is_not_a_pdf(checker, write_file):
    path = write_file(b"%PDF-x" + pdfs.make_pdf()[6:])
    assert rejection(checker, path).code == "not_pdf"


# -- damaged, encrypted, empty ---------------------------------------------------------------


def test_a_broken_startxref_is_refused_instead_of_repaired(checker, write_file):
    data = pdfs.raw_pdf([pdfs.CATALOG, pdfs.PAGES, pdfs.PAGE])
    broken = re.sub(rb"startxref\n\d+", b"startxref\n9", data)
    path = write_file(broken)
    with pikepdf.open(path) as pdf:  # the premise: pikepdf repairs it silently
        assert len(pdf.pages) == 1
    assert rejection(checker, path).code == "parse_error"


def test_a_wrong_object_offset_in_the_xref_is_refused_for_its_warnings(checker, write_file):
    data = pdfs.raw_pdf([pdfs.CATALOG, pdfs.PAGES, pdfs.PAGE])
    offset = re.findall(rb"(\d{10}) 00000 n", data)[2]
    broken = data.replace(offset + b" 00000 n", b"%010d 00000 n" % (int(offset) + 3))
    path = write_file(broken)
    with pikepdf.open(path) as pdf:  # the premise: repaired, visible only in the warnings
        assert len(pdf.pages) == 1
        assert pdf.get_warnings()
    assert rejection(checker, path).code == "parse_warnings"


def test_a_pdf_encrypted_with_a_user_password_is_refused(checker, write_file):
    data = pdfs.make_pdf(encryption=pikepdf.Encryption(owner="owner", user="secret"))
    assert rejection(checker, write_file(data)).code == "encrypted"


def test_a_pdf_encrypted_without_a_user_password_is_refused(checker, write_file):
    data = pdfs.make_pdf(encryption=pikepdf.Encryption(owner="owner", user=""))
    with pikepdf.open(write_file(data, "open.pdf")) as pdf:  # opens without a password
        assert pdf.is_encrypted
    assert rejection(checker, write_file(data)).code == "encrypted"


def test_a_pdf_without_pages_is_refused(checker, write_file):
    assert rejection(checker, write_file(pdfs.make_pdf(pages=0))).code == "no_pages"


# -- active content ------------------------------------------------------------------------


def test_javascript_as_open_action_is_refused(checker, write_file):
    def js(pdf):
        pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))

    assert active(checker, write_file(pdfs.make_pdf(change=js))) == ("javascript", "open_action")


def test_javascript_in_a_link_annotation_is_refused(checker, write_file):
    def js(pdf):
        pdfs.link_annotation(pdf, Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))

    assert active(checker, write_file(pdfs.make_pdf(pages=2, change=js))) == ("javascript",)


def test_javascript_inside_an_object_stream_is_found(checker, write_file):
    def js(pdf):
        pdfs.link_annotation(pdf, Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")), 1)

    data = pdfs.make_pdf(pages=2, change=js, object_streams=True)
    assert b"JavaScript" not in data  # compressed inside the object stream
    assert active(checker, write_file(data)) == ("javascript",)


def test_an_escaped_name_is_matched_after_decoding(checker, write_file):
    annotation = (
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] "
        b"/A << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> >>"
    )
    page = pdfs.PAGE.replace(b"/Resources << >>", b"/Resources << >> /Annots [4 0 R]")
    data = pdfs.raw_pdf([pdfs.CATALOG, pdfs.PAGES, page, annotation])
    assert b"/J#61vaScript" in data and b"/JavaScript" not in data and b"/JS " not in data
    assert active(checker, write_file(data)) == ("javascript",)


def test_an_escaped_name_inside_a_hand_made_object_stream_is_found(checker, write_file):
    page = pdfs.PAGE.replace(b"/Resources << >>", b"/Resources << >> /Annots [4 0 R]")
    annotation = b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /#4Caunch /F (x) >> >>"
    data = pdfs.raw_pdf_with_object_stream([pdfs.CATALOG, pdfs.PAGES, page], [annotation])
    assert b"Launch" not in data and b"#4Caunch" not in data  # compressed
    assert active(checker, write_file(data)) == ("launch",)


def test_a_javascript_name_tree_is_refused(checker, write_file):
    def names(pdf):
        script = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))
        pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("a"), script])))

    assert active(checker, write_file(pdfs.make_pdf(change=names))) == ("javascript",)


def test_a_launch_action_is_refused(checker, write_file):
    def launch(pdf):
        pdfs.link_annotation(pdf, Dictionary(S=Name.Launch, F=String("calc.exe")))

    assert active(checker, write_file(pdfs.make_pdf(change=launch))) == ("launch",)


def test_an_open_action_to_a_website_is_refused(checker, write_file):
    def open_uri(pdf):
        pdf.Root.OpenAction = pdfs.uri_action("https://example.org/track")

    assert active(checker, write_file(pdfs.make_pdf(change=open_uri))) == ("open_action",)


def test_additional_actions_are_refused(checker, write_file):
    def aa(pdf):
        pdf.pages[0].obj.AA = Dictionary(O=pdfs.uri_action("https://example.org"))

    assert active(checker, write_file(pdfs.make_pdf(change=aa))) == ("automatic_action",)


def test_an_embedded_file_is_refused(checker, write_file):
    def attach(pdf):
        pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"hello")

    assert active(checker, write_file(pdfs.make_pdf(change=attach))) == ("embedded_file",)


def test_an_xfa_form_is_refused(checker, write_file):
    def xfa(pdf):
        packet = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
        pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=packet)

    assert active(checker, write_file(pdfs.make_pdf(change=xfa))) == ("xfa",)


def test_a_form_that_submits_data_is_refused(checker, write_file):
    def submit(pdf):
        pdfs.link_annotation(
            pdf, Dictionary(S=Name.SubmitForm, F=String("https://example.org/collect"))
        )

    assert active(checker, write_file(pdfs.make_pdf(change=submit))) == ("form_submission",)


@pytest.mark.parametrize(
    "uri", ["javascript:alert(1)", " JavaScript:alert(1)", "file:///etc/passwd", "data:,x"]
)
def test_a_link_that_is_not_web_or_mail_is_refused(checker, write_file, uri):
    def link(pdf):
        pdfs.link_annotation(pdf, pdfs.uri_action(uri))

    assert active(checker, write_file(pdfs.make_pdf(change=link))) == ("unsafe_link",)


def test_several_kinds_are_all_named_most_important_first(checker, write_file):
    def many(pdf):
        pdf.attachments["a.txt"] = pikepdf.AttachedFileSpec(pdf, b"a")
        pdf.pages[0].obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("1")))

    found = active(checker, write_file(pdfs.make_pdf(change=many)))
    assert found == ("javascript", "automatic_action", "embedded_file")
    rejected = rejection(checker, write_file(pdfs.make_pdf(change=many)))
    assert rejected.detail == "Gefunden: JavaScript."


# -- limits and isolation ----------------------------------------------------------------


def test_a_graph_over_the_node_cap_is_too_complex(write_file):
    path = write_file(pdfs.make_pdf(pages=20))
    assert inspect_pdf(path).pages == 20
    with pytest.raises(PdfRejected) as caught:
        inspect_pdf(path, PdfLimits(node_limit=100))
    assert caught.value.code == "too_complex"


def test_an_object_stream_that_inflates_past_the_memory_limit_is_too_complex(checker, write_file):
    """qpdf must inflate an object stream to read the objects packed in it. This one
    inflates to 256 MiB, far past a 32 MiB limit plus whatever free heap the worker
    happens to hold (a margin of a few MiB would make the outcome depend on that). qpdf
    turns the failed allocation into a warning; it refuses the file as too complex, the
    worker lives on, and the same file passes where the memory suffices."""
    bomb = pdfs.raw_pdf_with_object_stream([pdfs.CATALOG, pdfs.PAGES], [pdfs.PAGE], padding_mib=256)
    assert len(bomb) < 512 * 1024  # small on the wire
    path = write_file(bomb)
    with PdfChecker(PdfLimits(memory_mb=32), workers=1) as starved:
        refused = rejection(starved, path)
        assert (refused.code, "std::bad_alloc" in refused.reason) == ("too_complex", True)
        assert check_pdf(write_file(pdfs.make_pdf(pages=3), "next.pdf"), starved).pages == 3
    # unlimited, qpdf reads it; then the streams' budget refuses the padding
    with pytest.raises(PdfRejected) as caught:
        inspect_pdf(path)
    assert caught.value.code == "decompression_bomb"
    assert inspect_pdf(path, PdfLimits(decoded_ratio_floor_mb=512)).pages == 1


def test_a_check_that_hangs_is_stopped_and_the_next_check_works(tmp_path, write_file):
    """A FIFO with no writer blocks ``open()`` forever: a real hang, no timing guess."""
    fifo = tmp_path / "hang.pdf"
    os.mkfifo(fifo)
    with PdfChecker(PdfLimits(timeout_seconds=1.0), workers=1) as short:
        assert rejection(short, fifo).code == "timeout"
        assert check_pdf(write_file(pdfs.make_pdf()), short).pages == 1


def test_checks_run_in_parallel_threads(checker, write_file):
    paths = [write_file(pdfs.make_pdf(pages=n + 1), f"p{n}.pdf") for n in range(6)]
    results: dict[int, int] = {}

    def run(n: int) -> None:
        results[n] = check_pdf(paths[n], checker).pages

    threads = [threading.Thread(target=run, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: n + 1 for n in range(6)}


def test_a_closed_checker_fails_closed(write_file):
    closed = PdfChecker(workers=1)
    closed.close()
    assert rejection(closed, write_file(pdfs.make_pdf())).code == "check_unavailable"


def test_the_command_line_checks_one_file_in_a_fresh_process(write_file):
    good = write_file(pdfs.make_pdf(pages=2), "good.pdf")
    bad = write_file(b"not a pdf", "bad.pdf")
    ok = subprocess.run(
        [sys.executable, "-m", "kurswerk.core.files.pdf.check", str(good)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    refused = subprocess.run(
        [sys.executable, "-m", "kurswerk.core.files.pdf.check", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0 and '"pages": 2' in ok.stdout
    assert refused.returncode == 1 and '"rejected": "not_pdf"' in refused.stdout
