"""kurswerk.core.files.pdf.deflate_blocks: leading stored blocks counted from their headers, and
the rest
inflated from the first compressed block - the same total as inflating the whole stream,
for every shape a hostile or an honest stream may take."""

from __future__ import annotations

import os
import zlib

import pytest

from kurswerk.core.files.pdf.deflate_blocks import SMALLEST_WALKED, stored_prefix
from kurswerk.core.files.pdf.streams import _inflate


def streamed_size(stream: bytes) -> int:
    """What zlib inflates, up to the first error (as a reader shows a damaged stream)."""
    inflater, total = zlib.decompressobj(), 0
    try:
        for start in range(0, len(stream), 7):
            total += len(inflater.decompress(stream[start : start + 7]))
    except zlib.error:
        pass
    return total


def stored_then_compressed(size: int) -> bytes:
    """Stored blocks, then compressed blocks whose matches reach back into them."""
    first = os.urandom(size)
    stored = zlib.compressobj(0, zlib.DEFLATED, -15)
    head = stored.compress(first) + stored.flush(zlib.Z_FULL_FLUSH)
    matching = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=first[-32768:])
    tail = matching.compress(first[-20000:] * 3 + bytes(size)) + matching.flush()
    return b"\x78\x01" + head + tail  # no checksum: readers show it all the same


SHAPES = {
    "empty": zlib.compress(b""),
    "text": zlib.compress(b"BT (Hallo) Tj ET\n" * 500),
    "random, stored": zlib.compress(os.urandom(300_000)),
    "random then zeros": zlib.compress(os.urandom(100_000) + bytes(200_000)),
    "stored then matches into them": stored_then_compressed(100_000),
    "level 0": zlib.compress(os.urandom(200_000), 0),
    "cut off in a stored block": zlib.compress(os.urandom(200_000), 0)[:150_000],
    "cut off in a header": zlib.compress(os.urandom(70_000), 0)[:65_540],
    "damaged lengths": (lambda s: s[:3] + b"\x00\x00" + s[5:])(zlib.compress(os.urandom(9000), 0)),
    "small stored blocks": b"\x78\x01" + b"\x00\x00\x00\xff\xff" * 2000 + zlib.compress(b"x")[2:],
    "preset dictionary": b"\x78\xbb" + b"\x00\x00\x00\x01" + b"\x03\x00",
    "not zlib": b"\x00\x01\x02\x03",
}


@pytest.mark.parametrize("stream", SHAPES.values(), ids=list(SHAPES))
def test_the_count_is_what_inflating_the_whole_stream_gives(stream):
    assert _inflate(stream, 1, 0, 1 << 40) == streamed_size(stream)


def test_incompressible_data_is_counted_from_the_headers_alone():
    stream = zlib.compress(os.urandom(300_000))
    prefix = stored_prefix(memoryview(stream))
    assert prefix is not None and (prefix.decoded, prefix.rest) == (300_000, None)


def test_empty_stored_blocks_are_left_to_the_inflater():
    """A hostile string of empty blocks costs no step in Python each."""
    stream = b"\x78\x01" + b"\x00\x00\x00\xff\xff" * 2000 + zlib.compress(b"x")[2:]
    prefix = stored_prefix(memoryview(stream))
    assert prefix is not None and (prefix.decoded, prefix.rest) == (0, 2)
    assert SMALLEST_WALKED > 0
