"""The stored blocks at the start of a zlib stream, counted without copying them.

zlib writes data it cannot compress (photo pixels, already compressed data) as *stored*
deflate blocks (RFC 1951, 3.2.4): a header byte, ``LEN`` and its complement, then ``LEN``
bytes as they are. Their decoded size is in the headers, so counting it needs no
inflating; inflating them is a plain copy that cost the PDF check ~8 ms per 20 MB.
:func:`stored_prefix` walks the stored blocks from the start and says where the first
compressed block begins, with the window (the last 32 KiB of output) a raw inflater needs
to go on from there: the caller inflates only the rest, with the same result as
inflating the whole stream.
"""

from __future__ import annotations

from dataclasses import dataclass

WINDOW = 32 * 1024  # how far back a deflate match may reach
SMALLEST_WALKED = 4096  # a smaller stored block goes to the inflater: at most one step in
# Python per 4 KiB of input, however many empty blocks a hostile stream strings together


@dataclass(frozen=True)
class StoredPrefix:
    decoded: int  # bytes the leading stored blocks decode to
    rest: int | None  # offset of the first compressed block; None: nothing more to inflate
    window: bytes  # the last (up to) 32 KiB they decode to, for a raw inflater to go on


def stored_prefix(data: memoryview) -> StoredPrefix | None:
    """The leading stored blocks of the zlib stream ``data``; None if it has no plain zlib
    header (not deflate, or a preset dictionary): then inflate it the ordinary way."""
    if len(data) < 2:
        return None
    method, flags = data[0], data[1]
    if method & 0x0F != 8 or method >> 4 > 7 or (method << 8 | flags) % 31 or flags & 0x20:
        return None
    position, decoded = 2, 0
    payloads: list[tuple[int, int]] = []  # (start, length) of the last blocks' data
    kept = 0  # bytes in payloads[1:]
    while position < len(data):
        header = data[position]
        if header >> 1 & 3 != 0:  # a compressed block (or an invalid type): inflate from here
            return StoredPrefix(decoded, position, _window(data, payloads))
        if position + 5 > len(data):
            return StoredPrefix(decoded, None, b"")  # cut off inside a header
        length = data[position + 1] | data[position + 2] << 8
        if length != ~(data[position + 3] | data[position + 4] << 8) & 0xFFFF:
            return StoredPrefix(decoded, None, b"")  # damaged: inflating stops here too
        if length < SMALLEST_WALKED:
            return StoredPrefix(decoded, position, _window(data, payloads))
        start = position + 5
        available = min(length, len(data) - start)
        decoded += available
        payloads.append((start, available))
        if available < length or header & 1:  # cut off, or the final block
            return StoredPrefix(decoded, None, b"")
        position = start + length
        kept += available if len(payloads) > 1 else 0
        while len(payloads) > 1 and kept >= WINDOW:  # the rest still fills the window
            payloads.pop(0)
            kept -= payloads[0][1]
    return StoredPrefix(decoded, None, b"")  # the data ended after a block


def _window(data: memoryview, payloads: list[tuple[int, int]]) -> bytes:
    """The last (up to) ``WINDOW`` bytes of the blocks' data, copied once."""
    parts: list[memoryview] = []
    needed = WINDOW
    for start, size in reversed(payloads):
        take = min(size, needed)
        parts.append(data[start + size - take : start + size])
        needed -= take
        if not needed:
            break
    return b"".join(reversed(parts))
