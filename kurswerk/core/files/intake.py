"""Receive one uploaded file from a multipart request body while it streams in.

FastAPI's ``UploadFile`` reads the whole body before a route runs, so a size limit checked
there comes too late (coaching issue; FIELD-NOTES "Uploads and PDFs"). Here the body is
parsed chunk by chunk with python-multipart's streaming parser, straight from the ASGI
``request.stream()``:

* exactly one file part (field ``file``; :func:`receive_form` also takes none) plus a few
  small text fields, each with its own byte cap; the CSRF token is one of them and must
  come *before* the file (``kurswerk.core.csrf.CsrfGate``): the file part is refused before
  a byte of it is kept when no valid token came first (or in the header); a cap on the
  number of parts, on headers per part and on each header line;
* the file's bytes are counted as they arrive: one byte past the limit and reading stops
  (``too_large``), also without a ``Content-Length`` (chunked bodies); a declared
  ``Content-Length`` above the body cap is refused before a byte is read;
* the whole body is capped too (file limit + text caps + room for part headers);
* the file is written to a temp file in the storage's temp folder while it is hashed
  (SHA-256): memory stays flat whatever the size;
* on any refusal or error (also a client that goes away) the temp file is deleted;
* a form that names what the file is for in fields before it (the lesson page's upload:
  exercise and industry) is checked when the file begins (``before_file``): the reader
  waits for the check and keeps no byte of the file until it passes (what of the file
  already arrived in that network chunk waits in memory, up to the limit). The check
  sees the fields before any refusal of the file itself: a file over the limit (also one
  a ``Content-Length`` declares) is refused after it, so a form shown again keeps what
  was written before the file.

The writes are small (one network chunk each) and go to the page cache, so they are done
directly on the event loop; the temp file starts handing them to the disk as they arrive
(``TempFile.write``), and the ``fsync`` in ``Storage.commit``, which the route calls from
a worker thread, waits only for the rest. Hashing and writing stay on the event loop on
purpose: moved to a thread beside it (tried and measured with ``bench/uploads.py``), the
upload cost ~10 % more CPU and was received no faster, also with cores to spare - the
thread has to win the GIL back after each piece while the loop runs Python.

The file name the browser sends is kept only as display text
(``kurswerk.core.files.names.display_name``); it
is never used as a path - objects are stored under their content hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from kurswerk.core.csrf import CsrfGate
from kurswerk.core.files.errors import UploadRejected
from kurswerk.core.files.names import display_name
from kurswerk.core.files.storage import Storage, TempFile
from kurswerk.core.settings import Settings

_BOUNDARY_CHARS = frozenset(
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? "
)
_IDENTITY_ENCODINGS = {"", "binary", "7bit", "8bit"}

BeforeFile = Callable[[Mapping[str, str]], Awaitable[None]]
"""``check(fields)``: awaited once, with the text fields read so far, when the file part
begins (after the CSRF check); it refuses by raising."""


@dataclass(frozen=True)
class IntakeLimits:
    max_file_bytes: int
    file_field: str = "file"
    # Text fields a form may send, with their caps in bytes (UTF-8).
    text_fields: Mapping[str, int] = field(
        default_factory=lambda: {"note": 8 * 1024, "csrf_token": 256}
    )
    max_parts: int = 6
    max_headers_per_part: int = 4
    max_header_line_bytes: int = 2048

    @property
    def max_body_bytes(self) -> int:
        """File + text fields + per part its headers and two boundary lines (<= 74 bytes)."""
        per_part = self.max_headers_per_part * (self.max_header_line_bytes + 2) + 2 * 80
        return self.max_file_bytes + sum(self.text_fields.values()) + self.max_parts * per_part

    @property
    def max_file_mb(self) -> int:
        return -(-self.max_file_bytes // (1024 * 1024))

    @classmethod
    def from_settings(cls, settings: Settings) -> IntakeLimits:
        return cls(max_file_bytes=settings.max_upload_bytes)


@dataclass
class ReceivedUpload:
    """A file that arrived completely: in a temp file of the storage, not yet committed."""

    temp_path: Path
    sha256: str
    size: int
    display_name: str
    fields: dict[str, str]


def multipart_boundary(content_type: str | None) -> bytes:
    """The boundary of a ``multipart/form-data`` body, or ``bad_content_type``."""
    media_type, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary", b"")
    if (
        media_type != b"multipart/form-data"
        or not 1 <= len(boundary) <= 70
        or not set(boundary) <= _BOUNDARY_CHARS
        or boundary.endswith(b" ")
    ):
        raise UploadRejected("bad_content_type", reason=f"content-type {content_type!r}")
    return boundary


async def receive_upload(
    stream: AsyncIterator[bytes],
    headers: Mapping[str, str],
    storage: Storage,
    limits: IntakeLimits,
    *,
    csrf: CsrfGate,
    before_file: BeforeFile | None = None,
) -> ReceivedUpload:
    """Read the request body from ``stream`` (``request.stream()``) with its ``headers``
    (``request.headers``; lower-case names); return the received file or raise
    :class:`UploadRejected` (``Forbidden`` for a missing CSRF token; whatever
    ``before_file`` raises) having left nothing behind."""
    intake = await _read(stream, headers, storage, limits, csrf, before_file)
    try:
        return intake.finish()
    except BaseException:
        intake.discard()
        raise


@dataclass
class ReceivedForm:
    """A form whose file is optional: its text fields, and the file if one was chosen."""

    fields: dict[str, str]
    file: ReceivedUpload | None


async def receive_form(
    stream: AsyncIterator[bytes],
    headers: Mapping[str, str],
    storage: Storage,
    limits: IntakeLimits,
    *,
    csrf: CsrfGate,
) -> ReceivedForm:
    """:func:`receive_upload` for a form whose file field may be left empty (a browser
    then sends the part with an empty file name and no bytes, or no part at all). The
    CSRF token is checked before the file as there, and at the end when no file came."""
    intake = await _read(stream, headers, storage, limits, csrf, None)
    try:
        return intake.finish_form()
    except BaseException:
        intake.discard()
        raise


async def _read(
    stream: AsyncIterator[bytes],
    headers: Mapping[str, str],
    storage: Storage,
    limits: IntakeLimits,
    csrf: CsrfGate,
    before_file: BeforeFile | None,
) -> _Intake:
    """The whole body, parsed: what it held, the file in a temp file (not yet checked for
    completeness: ``finish``)."""
    boundary = multipart_boundary(headers.get("content-type"))
    intake = _Intake(boundary, storage, limits, csrf, hold_file=before_file is not None)
    declared = headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise UploadRejected("malformed", reason="bad content-length")
        if int(declared) > limits.max_body_bytes:
            if before_file is None:
                raise _too_large(limits, f"content-length {declared}")
            intake.too_large = f"content-length {declared}"  # refused when the file begins
    try:
        received = 0
        async for chunk in stream:
            received += len(chunk)
            if received > limits.max_body_bytes:
                raise _too_large(limits, f"body over {limits.max_body_bytes} bytes")
            intake.feed(chunk)
            if intake.held is not None and before_file is not None:  # the file began
                await before_file(dict(intake.fields))
                intake.release()
    except BaseException:
        intake.discard()
        raise
    return intake


def _too_large(limits: IntakeLimits, reason: str) -> UploadRejected:
    return UploadRejected("too_large", reason=reason, params={"limit_mb": limits.max_file_mb})


class _Intake:
    """The parser's callbacks and what they collect for one request."""

    def __init__(
        self,
        boundary: bytes,
        storage: Storage,
        limits: IntakeLimits,
        csrf: CsrfGate,
        *,
        hold_file: bool = False,
    ) -> None:
        self.storage = storage
        self.limits = limits
        self.csrf = csrf
        self.hold_file = hold_file
        self.held: bytearray | None = None  # the file's first bytes while its check waits
        self.too_large: str | None = None  # why the held file is over the limit
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._on_part_begin,
                "on_header_field": self._on_header_field,
                "on_header_value": self._on_header_value,
                "on_header_end": self._on_header_end,
                "on_headers_finished": self._on_headers_finished,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
                "on_end": self._on_end,
            },
            max_header_count=limits.max_headers_per_part,
            max_header_size=limits.max_header_line_bytes,
        )
        self.parts = 0
        self.ended = False
        self.temp: TempFile | None = None
        self.file_begun = False
        self.hash = hashlib.sha256()
        self.file_size = 0
        self.file_name: str | None = None
        self.fields: dict[str, str] = {}
        # the part being read
        self.headers: dict[str, str] = {}
        self.header_name = bytearray()
        self.header_value = bytearray()
        self.kind: str | None = None  # "file" or a text field's name
        self.text = bytearray()

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.write(chunk)
        except MultipartParseError as exc:
            raise UploadRejected("malformed", reason=str(exc)) from exc

    def finish(self) -> ReceivedUpload:
        if self.too_large is not None:
            raise _too_large(self.limits, self.too_large)
        if not self.ended:
            raise UploadRejected("malformed", reason="body ended before the closing boundary")
        if self.temp is None or (self.file_size == 0 and not self.file_name):
            raise UploadRejected("no_file")
        if self.file_size == 0:
            raise UploadRejected("empty_file")
        self.temp.file.close()
        return ReceivedUpload(
            temp_path=self.temp.path,
            sha256=self.hash.hexdigest(),
            size=self.file_size,
            display_name=display_name(self.file_name or ""),
            fields=self.fields,
        )

    def finish_form(self) -> ReceivedForm:
        if self.ended and (self.temp is None or (self.file_size == 0 and not self.file_name)):
            if self.temp is None:  # no file part: nothing has checked the token yet
                self.csrf.before_file(self.fields)
            self.discard()
            return ReceivedForm(fields=self.fields, file=None)
        return ReceivedForm(fields=self.fields, file=self.finish())

    def release(self) -> None:
        """The file's check passed: refuse it if it is over the limit, else keep its bytes
        from now on, the held ones first."""
        assert self.held is not None
        if self.too_large is not None:
            raise _too_large(self.limits, self.too_large)
        self.temp = self.storage.put_temp()
        self.temp.write(memoryview(self.held))
        self.held = None

    def discard(self) -> None:
        self.held = None
        if self.temp is not None:
            self.temp.file.close()
            self.storage.delete_temp(self.temp.path)
            self.temp = None

    # -- callbacks (python-multipart calls them from ``write``) ----------------------------

    def _on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > self.limits.max_parts:
            raise UploadRejected("too_many_parts", reason=f"over {self.limits.max_parts}")
        self.headers = {}
        self.kind = None
        self.text = bytearray()

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def _on_header_end(self) -> None:
        name = self.header_name.decode("latin-1").strip().lower()
        if name in self.headers:
            raise UploadRejected("malformed", reason=f"repeated part header {name}")
        self.headers[name] = self.header_value.decode("latin-1").strip()
        self.header_name = bytearray()
        self.header_value = bytearray()

    def _on_headers_finished(self) -> None:
        disposition, options = parse_options_header(self.headers.get("content-disposition"))
        name = options.get(b"name")
        if disposition != b"form-data" or name is None:
            raise UploadRejected("malformed", reason="part without form-data name")
        encoding = self.headers.get("content-transfer-encoding", "").lower()
        if encoding not in _IDENTITY_ENCODINGS:
            raise UploadRejected("malformed", reason=f"transfer encoding {encoding}")
        field_name = name.decode("latin-1")
        if b"filename" in options:
            self._begin_file(field_name, options[b"filename"])
        elif field_name in self.limits.text_fields and field_name not in self.fields:
            self.kind = field_name
        elif field_name in self.fields:
            raise UploadRejected("malformed", reason=f"field {field_name} twice")
        else:
            raise UploadRejected("unexpected_field", reason=f"field {field_name[:40]!r}")

    def _begin_file(self, field_name: str, raw_name: bytes) -> None:
        if self.file_begun:
            raise UploadRejected("multiple_files")
        if field_name != self.limits.file_field:
            raise UploadRejected("unexpected_field", reason=f"file in {field_name[:40]!r}")
        self.csrf.before_file(self.fields)
        self.file_begun = True
        # Browsers send the name as UTF-8 bytes; the parser handed them over as latin-1.
        self.file_name = raw_name.decode("utf-8", errors="replace")
        if self.hold_file:
            self.held = bytearray()  # until ``before_file`` has passed (``release``)
        else:
            self.temp = self.storage.put_temp()
        self.kind = "file"

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.kind == "file":
            self.file_size += end - start
            if self.file_size > self.limits.max_file_bytes:
                reason = f"file over {self.limits.max_file_bytes} bytes"
                if self.held is None:
                    raise _too_large(self.limits, reason)
                self.too_large = reason  # refused once its check has seen the fields
            if self.too_large is not None:
                return  # held: nothing more of it is kept
            view = memoryview(data)[start:end]
            self.hash.update(view)
            if self.held is not None:
                self.held += view
            else:
                assert self.temp is not None
                self.temp.write(view)
        elif self.kind is not None:
            if len(self.text) + end - start > self.limits.text_fields[self.kind]:
                raise UploadRejected("field_too_long", reason=f"field {self.kind}")
            self.text += data[start:end]

    def _on_part_end(self) -> None:
        if self.kind is not None and self.kind != "file":
            try:
                self.fields[self.kind] = self.text.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise UploadRejected("malformed", reason=f"field {self.kind} not UTF-8") from exc
        self.kind = None

    def _on_end(self) -> None:
        self.ended = True
