"""kurswerk.core.files.pdf.check: the walk over the object graph misses nothing it has to find -
values
behind references, deep nesting, escaped names in object streams, the last of many objects -
and does not take text for names."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from kurswerk.core.files.pdf.check import check_pdf
from tests.uploads import pdfs
from tests.uploads.pdfs import active, rejection

PAGE_WITH_ANNOTATION = pdfs.PAGE.replace(b"/Resources << >>", b"/Resources << >> /Annots [4 0 R]")


def annotation(action: bytes) -> bytes:
    return b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A " + action + b" >>"


def test_an_open_action_behind_a_reference_is_judged_by_what_it_refers_to(checker, write_file):
    def script(pdf):
        action = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))
        pdf.Root.OpenAction = pdf.make_indirect(action)

    def goto(pdf):
        action = Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit]))
        pdf.Root.OpenAction = pdf.make_indirect(action)

    found = active(checker, write_file(pdfs.make_pdf(change=script)))
    assert found == ("javascript", "open_action")
    assert check_pdf(write_file(pdfs.make_pdf(change=goto)), checker).pages == 1


def test_an_open_action_whose_type_is_behind_a_reference_is_judged_by_it(checker, write_file):
    def pdf_with(action_type: bytes) -> bytes:
        catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S 4 0 R /D [3 0 R /Fit] >> >>"
        return pdfs.raw_pdf([catalog, pdfs.PAGES, pdfs.PAGE, action_type])

    assert check_pdf(write_file(pdf_with(b"/GoTo"), "goto.pdf"), checker).pages == 1
    assert active(checker, write_file(pdf_with(b"/URI"), "uri.pdf")) == ("open_action",)


def test_a_link_target_behind_a_reference_is_checked(checker, write_file):
    def link(pdf):
        target = pdf.make_indirect(String("javascript:alert(1)"))
        pdfs.link_annotation(pdf, Dictionary(S=Name.URI, URI=target))

    assert active(checker, write_file(pdfs.make_pdf(change=link))) == ("unsafe_link",)


def test_link_targets_in_raw_bytes_are_checked_as_text(checker, write_file):
    """Strings that are not UTF-8 (here PDFDocEncoding bytes, and UTF-16)."""

    def pdf_with(uri: bytes) -> bytes:
        link = annotation(b"<< /S /URI /URI " + uri + b" >>")
        return pdfs.raw_pdf([pdfs.CATALOG, pdfs.PAGES, PAGE_WITH_ANNOTATION, link])

    web = write_file(pdf_with(b"(https://example.org/caf\\351)"), "web.pdf")
    assert check_pdf(web, checker).pages == 1
    utf16 = write_file(pdf_with(b"<feff0068007400740070003a002f002f0061002e00640065>"), "u.pdf")
    assert check_pdf(utf16, checker).pages == 1  # "http://a.de"
    for number, uri in enumerate([b"(file:///C:/\\351)", b"(\\240javascript:x)", b"<feff006a>"]):
        path = write_file(pdf_with(uri), f"bad-{number}.pdf")
        assert active(checker, path) == ("unsafe_link",), uri


def test_a_refused_name_held_in_an_indirect_object_is_found(checker, write_file):
    link = annotation(b"<< /S 5 0 R /F (calc.exe) >>")
    data = pdfs.raw_pdf([pdfs.CATALOG, pdfs.PAGES, PAGE_WITH_ANNOTATION, link, b"/Launch"])
    assert active(checker, write_file(data)) == ("launch",)


def test_an_escaped_key_deep_in_nested_dictionaries_of_an_object_stream_is_found(
    checker, write_file
):
    inner = b"<< /#4AS (app.alert\\(1\\)) >>"
    for _ in range(200):
        inner = b"<< /Next [ " + inner + b" ] >>"
    data = pdfs.raw_pdf_with_object_stream(
        [pdfs.CATALOG, pdfs.PAGES, PAGE_WITH_ANNOTATION], [annotation(inner)]
    )
    assert b"#4AS" not in data  # compressed inside the object stream
    assert active(checker, write_file(data)) == ("javascript",)


def test_nesting_deeper_than_qpdf_allows_is_refused_and_the_worker_goes_on(checker, write_file):
    deep = b"[" * 100_000 + b"]" * 100_000
    data = pdfs.raw_pdf([pdfs.CATALOG, pdfs.PAGES, PAGE_WITH_ANNOTATION, annotation(deep)])
    assert rejection(checker, write_file(data, "deep.pdf")).code == "parse_warnings"
    assert check_pdf(write_file(pdfs.make_pdf(), "plain.pdf"), checker).pages == 1


def test_text_that_only_reads_like_a_refused_name_is_accepted(checker, write_file):
    def text(pdf):
        pdf.docinfo["/Title"] = String("/JavaScript /Launch /JS /AA")
        pdfs.link_annotation(pdf, pdfs.uri_action("https://example.org/JavaScript/Launch"))
        pdf.pages[0].obj.Resources.Properties = Dictionary(P0=Name("/Caf\xe9"))

    assert check_pdf(write_file(pdfs.make_pdf(change=text)), checker).pages == 1


def test_active_content_in_the_last_of_many_objects_is_found(checker, write_file):
    def last_page_script(pdf):
        action = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))
        pdfs.link_annotation(pdf, action, page=len(pdf.pages) - 1)

    data = pdfs.make_pdf(pages=700, change=last_page_script, object_streams=True)
    assert len(pikepdf.open(write_file(data, "count.pdf")).objects) > 1_400
    assert active(checker, write_file(data)) == ("javascript",)
