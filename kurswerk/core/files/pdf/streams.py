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

The bounds, from measurements of real exports (``bench/pdf_streams.py --libreoffice``
makes and measures the LibreOffice 7.4 exports; decoded = all streams, encoded = file):

=================================================  =====  =======  =========  =====  ======
document                                           pages  file     decoded    ratio  stream
=================================================  =====  =======  =========  =====  ======
LibreOffice: text, headings, lists                   164  0.43 MB    3.2 MB     7.6     9.5
LibreOffice: thesis (text, tables, PNG + JPEG)       130  3.95 MB   98.5 MB    24.9    41.4
LibreOffice: photos (JPEG)                           121  5.51 MB    5.5 MB     1.0     3.5
LibreOffice: screenshots (PNG)                        81  2.47 MB   96.1 MB    38.9    41.4
bench/uploads.py's 300-page PDF (pikepdf)            300  19.9 MB   19.9 MB     1.0    35.8
the attack: one content stream of zeros                1  0.53 MB  536.9 MB    1010    1011
=================================================  =====  =======  =========  =====  ======

("stream": the largest ratio of a single stream.) Honest documents stay below ~40
(screenshots - flat colour - compress best), the bomb is at 1010. Hence ``ratio_limit``
100, 2.5 times the worst honest figure, applied above a ``ratio_floor`` of 64 MiB (a blank
scanned page inflates ~1000:1 too, but to a few MiB); and ``decoded_limit`` 1 GiB: an
honest file at the 20 MB upload limit and the screenshots' ratio would decode to ~780 MB.
The check stops at the budget, so it never inflates more than ``budget`` bytes, in chunks
of ``CHUNK`` (4 MiB) that are counted and dropped: a bomb never materialises, and the
check's own memory stays a few MiB whatever the file. What it costs (CPU time, 2 cores
shared with a load of ~12): the streams are read once more (qpdf copies each one's raw
data) and inflated - ~3.5 ms per 100 pages both for the LibreOffice text (3.2 MB
inflated) and for the benchmark's 300 pages of incompressible images (20 MB, whose stored
deflate blocks are counted from their headers, ``kurswerk/core/files/pdf/deflate_blocks.py``);
compressed
images ~1.8 ms per MB decoded (the screenshots above: ~0.17 s).

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

Not counted: inline images (``BI … ID … EI`` inside a content stream, whose data may carry
its own ``/F /Fl``); finding them means parsing every content stream, several times the
cost of this whole count. A page's content stream itself is counted.

Runs inside the isolated worker only (called from ``kurswerk.core.files.pdf.check.inspect_pdf``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

import pikepdf

from kurswerk.core.files.errors import PdfRejected
from kurswerk.core.files.pdf.deflate_blocks import stored_prefix

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
    Flate stream are counted from their headers (``kurswerk/core/files/pdf/deflate_blocks.py``)."""
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
