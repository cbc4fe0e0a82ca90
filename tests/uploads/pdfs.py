"""PDF fixtures made in code: well-formed ones through pikepdf, hostile ones as raw bytes
(so that escaped names, broken xrefs and hand-made object streams are exactly as written).
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from kurswerk.core.files.errors import PdfRejected
from kurswerk.core.files.pdf.check import PdfChecker, check_pdf

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def rejection(checker: PdfChecker, path: Path) -> PdfRejected:
    with pytest.raises(PdfRejected) as caught:
        check_pdf(path, checker)
    return caught.value


def active(checker: PdfChecker, path: Path) -> tuple[str, ...]:
    """The kinds of active content the checker refuses ``path`` for."""
    rejected = rejection(checker, path)
    assert rejected.code == "active_content"
    return rejected.found


def raw_pdf(objects: list[bytes], *, header: bytes = b"%PDF-1.7") -> bytes:
    """Objects 1..n written as given, a classic xref table, trailer ``/Root 1 0 R``."""
    out = bytearray(header + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def raw_pdf_with_object_stream(
    plain: list[bytes], packed: list[bytes], *, padding_mib: int = 0
) -> bytes:
    """Objects 1..p written plainly, objects p+1..p+k packed into a compressed object
    stream (object p+k+1), and a cross-reference *stream* (object p+k+2), PDF 1.5 style.
    ``padding_mib`` MiB of zeros (PDF whitespace) after the packed objects make the object
    stream inflate that much bigger: a bomb qpdf has to decode to read the objects."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    entries: list[tuple[int, int, int]] = [(0, 0, 0xFFFF)]
    for number, body in enumerate(plain, start=1):
        entries.append((1, len(out), 0))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    first_packed = len(plain) + 1
    stream_number = first_packed + len(packed)
    header, bodies = bytearray(), bytearray()
    for index, body in enumerate(packed):
        header += b"%d %d " % (first_packed + index, len(bodies))
        bodies += body + b"\n"
        entries.append((2, stream_number, index))
    data = inflating_zeros(padding_mib, after=bytes(header) + bytes(bodies))
    entries.append((1, len(out), 0))
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        stream_number,
        len(packed),
        len(header),
        len(data),
    )
    out += b"stream\n" + data + b"\nendstream\nendobj\n"
    xref_number = stream_number + 1
    xref_offset = len(out)
    entries.append((1, xref_offset, 0))
    table = b"".join(struct.pack(">BIH", *entry) for entry in entries)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n" % (
        xref_number,
        len(entries),
        len(table),
    )
    out += b"stream\n" + table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def make_pdf(
    pages: int = 1,
    *,
    change: Callable[[pikepdf.Pdf], None] | None = None,
    object_streams: bool = False,
    encryption: pikepdf.Encryption | None = None,
) -> bytes:
    """A well-formed PDF with ``pages`` pages of text, optionally changed before saving."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for number in range(pages):
        content = pikepdf.Stream(pdf, b"BT /F1 12 Tf 72 720 Td (Seite %d) Tj ET" % (number + 1))
        page = Dictionary(
            Type=Name.Page,
            MediaBox=[0, 0, 595, 842],
            Contents=pdf.make_indirect(content),
            Resources=Dictionary(Font=Dictionary(F1=font)),
        )
        pdf.pages.append(pikepdf.Page(page))
    if change is not None:
        change(pdf)
    buffer = io.BytesIO()
    pdf.save(
        buffer,
        object_stream_mode=(
            pikepdf.ObjectStreamMode.generate
            if object_streams
            else pikepdf.ObjectStreamMode.disable
        ),
        encryption=encryption or False,
    )
    return buffer.getvalue()


def photo_pdf(min_bytes: int) -> bytes:
    """A well-formed PDF of at least ``min_bytes``, as a scan is: its first page carries a
    grey image of random (incompressible) pixels."""

    def add_photo(pdf: pikepdf.Pdf) -> None:
        side = int(min_bytes**0.5) + 1
        photo = pikepdf.Stream(pdf, os.urandom(side * side))
        photo.Type = Name.XObject
        photo.Subtype = Name.Image
        photo.Width = photo.Height = side
        photo.ColorSpace = Name.DeviceGray
        photo.BitsPerComponent = 8
        pdf.pages[0].Resources.XObject = Dictionary(Im1=pdf.make_indirect(photo))

    return make_pdf(2, change=add_photo)


def link_annotation(pdf: pikepdf.Pdf, action: Dictionary, page: int = 0) -> None:
    annotation = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[72, 72, 200, 90], A=action)
    )
    pdf.pages[page].obj.Annots = pdf.make_indirect(Array([annotation]))


def uri_action(uri: str) -> Dictionary:
    return Dictionary(S=Name.URI, URI=String(uri))


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return buffer.getvalue()


def png_bytes() -> bytes:
    """A valid 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def inflating_zeros(mib: int, *, after: bytes = b"") -> bytes:
    """A zlib stream that inflates to ``after`` followed by ``mib`` MiB of zeros (about
    1 KiB per MiB), built quickly: each part a fully flushed deflate segment (no reference
    back across a flush, so a segment can be repeated), a final block, the checksum."""
    block = bytes(1024 * 1024)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = raw.compress(block) + raw.flush(zlib.Z_FULL_FLUSH)
    lead = zlib.compressobj(9, zlib.DEFLATED, -15)
    prefix = lead.compress(after) + lead.flush(zlib.Z_FULL_FLUSH) if after else b""
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    checksum = zlib.adler32(after)
    for _ in range(mib):
        checksum = zlib.adler32(block, checksum)
    return b"\x78\xda" + prefix + segment * mib + final + checksum.to_bytes(4, "big")


def stream_pdf(data: bytes, filters: bytes = b"/FlateDecode", *, extra: bytes = b"") -> bytes:
    """A valid one-page PDF whose page content stream is ``data`` as stored, with the
    ``/Filter`` value ``filters``; ``extra`` (e.g. a padding image) as object 5."""
    page = PAGE.replace(b"/Resources << >>", b"/Resources << >> /Contents 4 0 R")
    stream = b"<< /Length %d /Filter %s >>\nstream\n%s\nendstream" % (len(data), filters, data)
    return raw_pdf([CATALOG, PAGES, page, stream] + ([extra] if extra else []))


def bomb_pdf(decoded_mib: int) -> bytes:
    """A valid one-page PDF whose page content stream inflates to ``decoded_mib`` MiB."""
    return stream_pdf(inflating_zeros(decoded_mib))


def padding_object(size: int) -> bytes:
    """An unfiltered stream of ``size`` random bytes: makes a file big, decodes to itself."""
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (size, os.urandom(size))
