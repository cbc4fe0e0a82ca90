"""Write the seed corpus of the PDF fuzzer: ``.venv/bin/python -m fuzz.pdf_seeds``.

Each file is named ``<expected outcome>--<what it is>.<pdf|objects>``: "accepted" or the
refusal code the check must answer (``tests/uploads/test_pdf_fuzz_corpus.py`` holds every
file to it, findings of fuzzing included). ``.objects`` files are object bodies for the
fuzzer's second input form (see ``fuzz/pdfcheck.py``).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name, String

from fuzz.pdfcheck import OBJECT_SEPARATOR
from tests.uploads import pdfs

CORPUS = Path(__file__).resolve().parent / "corpus" / "pdfcheck"
_PAGE_WITH_CONTENT = pdfs.PAGE.replace(b"/Resources << >>", b"/Resources << >> /Contents 4 0 R")


def _stream(data: bytes, filters: bytes = b"") -> bytes:
    head = b"<< /Length %d %s>>" % (len(data), filters + b" " if filters else b"")
    return head + b"\nstream\n" + data + b"\nendstream"


def _objects(*bodies: bytes) -> bytes:
    return OBJECT_SEPARATOR.join(bodies)


def _change(change: Callable[[pikepdf.Pdf], None]) -> bytes:
    return pdfs.make_pdf(change=change)


def seeds() -> dict[str, bytes]:
    text = b"BT /F1 12 Tf 72 720 Td (Hallo) Tj ET\n" * 20

    def js(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))

    def launch(pdf: pikepdf.Pdf) -> None:
        pdfs.link_annotation(pdf, Dictionary(S=Name.Launch, F=String("calc.exe")))

    def link(pdf: pikepdf.Pdf) -> None:
        pdfs.link_annotation(pdf, pdfs.uri_action("https://example.org/"))

    hex_flate = zlib.compress(text).hex().encode() + b">"
    indirect_length = b"<< /Length 5 0 R >>\nstream\n" + text + b"\nendstream"
    return {
        "accepted--plain.pdf": pdfs.make_pdf(),
        "accepted--three-pages-object-streams.pdf": pdfs.make_pdf(3, object_streams=True),
        "accepted--web-link.pdf": _change(link),
        "accepted--photo.pdf": pdfs.photo_pdf(4096),
        "decompression_bomb--bomb-80mib.pdf": pdfs.bomb_pdf(decoded_mib=80),
        "active_content--javascript-open-action.pdf": _change(js),
        "active_content--launch.pdf": _change(launch),
        "encrypted--aes.pdf": pdfs.make_pdf(encryption=pikepdf.Encryption(owner="o", user="")),
        "trailing_data--zip-after-eof.pdf": pdfs.make_pdf() + pdfs.zip_bytes(),
        "no_pages--empty-page-tree.pdf": pdfs.make_pdf(pages=0),
        "accepted--length-in-an-object-of-its-own.pdf": pdfs.raw_pdf(
            [pdfs.CATALOG, pdfs.PAGES, _PAGE_WITH_CONTENT, indirect_length, b"%d" % len(text)]
        ),  # as LibreOffice writes every stream
        "accepted--flate.objects": _objects(
            pdfs.CATALOG,
            pdfs.PAGES,
            _PAGE_WITH_CONTENT,
            _stream(zlib.compress(text), b"/Filter /FlateDecode"),
        ),  # fmt: skip
        "accepted--filter-chain.objects": _objects(
            pdfs.CATALOG,
            pdfs.PAGES,
            _PAGE_WITH_CONTENT,
            _stream(hex_flate, b"/Filter [/ASCIIHexDecode /FlateDecode]"),
        ),  # fmt: skip
        "accepted--run-length.objects": _objects(
            pdfs.CATALOG,
            pdfs.PAGES,
            _PAGE_WITH_CONTENT,
            _stream(b"\x81 \x05BT ET\n\x80", b"/Filter /RunLengthDecode"),
        ),  # fmt: skip
        "decompression_bomb--bomb-80mib.objects": _objects(
            pdfs.CATALOG,
            pdfs.PAGES,
            _PAGE_WITH_CONTENT,
            _stream(pdfs.inflating_zeros(80), b"/Filter /FlateDecode"),
        ),  # fmt: skip
    }


def main() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    for name, data in seeds().items():
        (CORPUS / name).write_bytes(data)


if __name__ == "__main__":
    main()
