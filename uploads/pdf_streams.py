"""How much do the streams of a PDF decode to? Refuse a decompression bomb before anyone
(the tutor's viewer, a page renderer) inflates it.

A PDF stream is stored encoded (mostly ``/FlateDecode``, i.e. zlib). Deflate reaches
about 1:1032, so 0.5 MB on the wire can be 512 MiB in a viewer. This module adds up what
every stream decodes to and raises ``PdfRejected("decompression_bomb")`` as soon as the
running total passes the file's budget::

    budget = min(decoded_limit, max(ratio_floor, ratio_limit * file size))

that is: never more than ``decoded_limit`` in all (an absolute bound), and beyond
``ratio_floor`` no more than ``ratio_limit`` decoded bytes per byte uploaded (the ratio
decoded/encoded, with the whole file as the encoded size - every encoded stream byte is a
file byte). The floor keeps small files with one very compressible stream (a blank scan,
a flat-colour screenshot) acceptable: decoding a few MiB harms no one.

The bounds, from measurements of real exports (``bench/pdf_streams.py`` prints them;
decoded = all streams, encoded = file size):

===================================================  ======  ========  =====
document                                             file    decoded   ratio
===================================================  ======  ========  =====
LibreOffice Writer, 300 pages of text, no images     0.9 MB    4.6 MB   5.1
LibreOffice Writer, 120 pages, 60 photos (JPEG)       22 MB     23 MB   1.1
LibreOffice Writer, 40 pages, 40 PNG screenshots     3.2 MB     68 MB    21
pikepdf, 300-page text document (bench/uploads.py)   0.3 MB    1.6 MB   5.3
the repository's test PDFs (tests/uploads/pdfs.py)   <10 KB   <20 KB   <= 3
a 0.5 MB bomb (one content stream of zeros)          0.5 MB    512 MiB  1030
===================================================  ======  ========  =====

Honest documents stay below a ratio of ~25 (screenshots, flat colour, compress best) and
below a few hundred MB in all even at the 20 MB upload limit (20 MB x 25 = 500 MB would be
an extreme). Hence ``ratio_limit`` 100 above a ``ratio_floor`` of 64 MiB, and a
``decoded_limit`` of 1 GiB: four times the worst honest case, a quarter of a bomb's
reach at the upload limit. The check stops at the budget, so it never inflates more than
``budget`` bytes, in chunks of ``CHUNK`` (1 MiB) that are counted and dropped: a bomb
never materialises, and the check's memory stays a few MiB whatever the file.

Filters, decided per stream from its ``/Filter`` list:

* ``/FlateDecode`` first (once or several times in a row), and no other expanding filter
  after it: inflated here with ``zlib.decompressobj`` and ``max_length``, chunk by chunk
  (each Flate stage feeding the next). A predictor (``/DecodeParms``), an ASCII filter or
  an image codec after it only shrinks or interprets the result, so the inflated size is
  what counts. A stream whose deflate data is damaged counts what inflated before the
  damage (readers show that part too);
* nothing that expands - no filter, ``/DCTDecode``, ``/JPXDecode``, ``/JBIG2Decode``,
  ``/CCITTFaxDecode`` (image codecs), ``/ASCIIHexDecode``, ``/ASCII85Decode`` (which
  shrink) - or a filter no reader knows: the raw length. An image's pixel count is a
  question for whoever renders it, not a stream bomb;
* other chains of the filters qpdf decodes (``/LZWDecode``, ``/RunLengthDecode``, Flate
  behind an ASCII filter): decoded by qpdf, one stream at a time, bounded by the worker's
  memory limit (an allocation past it refuses the file as ``too_complex``); rare in
  today's exports. Data qpdf cannot decode refuses the file as ``parse_error``;
* an expanding filter before an image codec (``[/LZWDecode /DCTDecode]``): not measured,
  refused as ``too_complex`` (no exporter we know writes it).

Runs inside the isolated worker only (called from ``uploads.pdfcheck.inspect_pdf``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

import pikepdf

from uploads.deflate_blocks import stored_prefix
from uploads.errors import PdfRejected

CHUNK = 4 * 1024 * 1024  # decoded bytes per step
_INPUT_STEP = 1024 * 1024  # encoded bytes fed per step (keeps the unconsumed tail small)
_FLATE = b"/FlateDecode"
_EXPANDING = frozenset({_FLATE, b"/LZWDecode", b"/RunLengthDecode"})
_IMAGE_CODECS = frozenset({b"/DCTDecode", b"/JPXDecode", b"/JBIG2Decode", b"/CCITTFaxDecode"})
_SHRINKING = frozenset({b"/ASCIIHexDecode", b"/ASCII85Decode"})
_DECODED_BY_QPDF = _EXPANDING | _SHRINKING
_KNOWN = _DECODED_BY_QPDF | _IMAGE_CODECS | {b"/Crypt"}
_SPECIALIZED = pikepdf.StreamDecodeLevel.specialized  # RunLength included, not DCT


def decoded_budget(file_size: int, *, limit: int, ratio: int, floor: int) -> int:
    """How many decoded bytes a file of ``file_size`` bytes may hold."""
    return min(limit, max(floor, ratio * file_size))


def measure_decoded(objects: Iterable[pikepdf.Object], budget: int) -> int:
    """Total decoded size of the streams among ``objects``; raise ``decompression_bomb``
    as soon as it passes ``budget``."""
    total = 0
    for obj in objects:
        if isinstance(obj, pikepdf.Stream):
            total = _add_stream(obj, total, budget)
    return total


def _filters(stream: pikepdf.Stream) -> list[bytes]:
    """The stream's filter names as written in PDF syntax (bytes: a name need not be
    UTF-8, ``/A#FF`` is a valid name that ``str()`` cannot convert)."""
    value = stream.get("/Filter")
    if value is None:
        return []
    items = value if isinstance(value, pikepdf.Array) else [value]
    return [item.unparse() if isinstance(item, pikepdf.Name) else b"?" for item in items]


def _add_stream(stream: pikepdf.Stream, total: int, budget: int) -> int:
    filters = _filters(stream)
    flates = _leading(filters, _FLATE)
    if flates and _EXPANDING.isdisjoint(filters[flates:]):
        return _inflate(stream.get_raw_stream_buffer(), flates, total, budget)
    if _EXPANDING.isdisjoint(filters) or not _KNOWN.issuperset(filters):
        # nothing that expands, or a filter no reader decodes: the data as stored
        return _count(len(stream.get_raw_stream_buffer()), total, budget)
    if not _DECODED_BY_QPDF.issuperset(filters):
        raise PdfRejected("too_complex", reason=f"filter chain {filters!r} not measured")
    try:
        decoded = len(stream.read_bytes(_SPECIALIZED))  # bounded by the worker memory limit
    except (pikepdf.PdfError, UnicodeDecodeError) as exc:  # a message qpdf wrote in bytes
        raise PdfRejected("parse_error", reason="stream data cannot be decoded") from exc
    return _count(decoded, total, budget)


def _leading(filters: list[bytes], name: bytes) -> int:
    """How many of ``filters`` in a row, from the first, are ``name``."""
    count = 0
    while count < len(filters) and filters[count] == name:
        count += 1
    return count


def _inflate(raw: pikepdf.Buffer, times: int, total: int, budget: int) -> int:
    """Count what ``raw`` inflates to, ``times`` times over (``/Filter [/FlateDecode
    /FlateDecode]`` is valid), one chunk at a time. Leading stored blocks of a single
    Flate stream are counted from their headers (``uploads/deflate_blocks.py``)."""
    view = memoryview(raw)
    if times > 1:
        return _inflate_nested(view, times, total, budget)
    prefix = stored_prefix(view)
    inflater = zlib.decompressobj()
    if prefix is not None:
        total = _count(prefix.decoded, total, budget)
        if prefix.rest is None:
            return total
        view = view[prefix.rest :]
        inflater = zlib.decompressobj(-zlib.MAX_WBITS, zdict=prefix.window)
    try:
        for start in range(0, len(view), _INPUT_STEP):
            data: bytes | memoryview = view[start : start + _INPUT_STEP]
            while data:
                total = _count(len(inflater.decompress(data, CHUNK)), total, budget)
                if inflater.eof:
                    return total
                data = inflater.unconsumed_tail
    except zlib.error:
        pass  # damaged from here on: what inflated so far is what readers show
    return total


def _inflate_nested(view: memoryview, times: int, total: int, budget: int) -> int:
    """Flate ``times`` times over: each stage's chunks feed the next one."""
    chunks: Iterator[bytes | memoryview] = (
        view[start : start + _INPUT_STEP] for start in range(0, len(view), _INPUT_STEP)
    )
    for _ in range(times):
        chunks = _inflated(chunks)
    try:
        for chunk in chunks:
            total = _count(len(chunk), total, budget)
    except zlib.error:
        pass  # as above
    return total


def _inflated(chunks: Iterable[bytes | memoryview]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    for chunk in chunks:
        data = chunk
        while data:
            out = inflater.decompress(data, CHUNK)
            if out:
                yield out
            if inflater.eof:
                return
            data = inflater.unconsumed_tail


def _count(size: int, total: int, budget: int) -> int:
    total += size
    if total > budget:
        raise PdfRejected("decompression_bomb", reason=f"streams decode to over {budget} bytes")
    return total
