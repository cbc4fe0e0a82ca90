"""kurswerk.core.files.intake: one file from a multipart body, size-limited while it streams,
nothing
left behind on refusal (coaching issue: "the size limit is enforced while streaming")."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tracemalloc
from collections.abc import AsyncIterator, Iterable

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kurswerk.core.auth import Principal, Role, SessionCodec
from kurswerk.core.csrf import CsrfGate
from kurswerk.core.files.errors import UploadRejected
from kurswerk.core.files.intake import IntakeLimits, ReceivedUpload, receive_upload
from kurswerk.core.files.names import display_name
from kurswerk.core.files.storage import LocalStorage, TempFile
from kurswerk.core.settings import Settings

BOUNDARY = b"----KurswerkFormBoundary7MA4YWxkTrZu0gW"
CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY.decode()
PDF_BYTES = b"%PDF-1.7\n" + os.urandom(300_000) + b"\n%%EOF\n"
LIMITS = IntakeLimits(max_file_bytes=1024 * 1024)

# The CSRF check is the routes' (tests/uploads/test_submission_upload.py and its twins);
# these tests are about the body, so the header check has passed.
CSRF_PASSED = CsrfGate(
    Principal(user_id=1, context_id=1, platform_id=1, role=Role.LEARNER),
    SessionCodec(Settings(env="test", secret_key="intake-test-secret-key-long-enough-0123456789")),  # type: ignore[arg-type]
    checked=True,
)


def part(
    name: str,
    value: bytes,
    *,
    filename: bytes | None = None,
    content_type: bytes | None = None,
    extra: bytes = b"",
) -> bytes:
    disposition = b'Content-Disposition: form-data; name="%s"' % name.encode()
    if filename is not None:
        disposition += b'; filename="%s"' % filename
    headers = disposition + b"\r\n"
    if content_type:
        headers += b"Content-Type: " + content_type + b"\r\n"
    return b"--" + BOUNDARY + b"\r\n" + headers + extra + b"\r\n" + value + b"\r\n"


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + b"--" + BOUNDARY + b"--\r\n"


def file_part(data: bytes = PDF_BYTES, filename: bytes = b"Strategie.pdf") -> bytes:
    return part("file", data, filename=filename, content_type=b"application/pdf")


class FakeStream:
    """``request.stream()``: yields ``chunks``; remembers how many bytes were pulled."""

    def __init__(self, chunks: Iterable[bytes], fail_after: int | None = None) -> None:
        self.chunks = chunks
        self.pulled = 0
        self.fail_after = fail_after

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            if self.fail_after is not None and self.pulled >= self.fail_after:
                raise ConnectionResetError("client went away")
            self.pulled += len(chunk)
            yield chunk


def chunked(data: bytes, size: int) -> Iterable[bytes]:
    return (data[i : i + size] for i in range(0, len(data), size))


def receive(
    storage: LocalStorage,
    data: bytes,
    *,
    chunk: int = 65536,
    content_length: bool = True,
    limits: IntakeLimits = LIMITS,
    content_type: str = CONTENT_TYPE,
    stream: FakeStream | None = None,
) -> ReceivedUpload:
    headers = {"content-type": content_type}
    if content_length:
        headers["content-length"] = str(len(data))
    stream = stream or FakeStream(chunked(data, chunk))
    return asyncio.run(
        receive_upload(stream.__aiter__(), headers, storage, limits, csrf=CSRF_PASSED)
    )


def refused(storage: LocalStorage, data: bytes, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        receive(storage, data, **kwargs)
    assert temp_files(storage) == [], "a refused upload left a temp file behind"
    return caught.value


def temp_files(storage: LocalStorage) -> list[str]:
    return sorted(os.listdir(storage.temp_dir))


# -- a good upload -------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 7, 1000, 65536, 10**7])
@pytest.mark.parametrize("content_length", [True, False])
def test_the_file_is_streamed_to_a_temp_file_and_hashed(storage, chunk, content_length):
    data = body(part("csrf_token", b"abc123"), file_part(), part("note", "Grüße".encode()))
    received = receive(storage, data, chunk=chunk, content_length=content_length)
    assert received.temp_path.read_bytes() == PDF_BYTES
    assert received.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert received.size == len(PDF_BYTES)
    assert received.display_name == "Strategie.pdf"
    assert received.fields == {"csrf_token": "abc123", "note": "Grüße"}
    assert temp_files(storage) == [received.temp_path.name]


@pytest.mark.parametrize("chunk", [65536, 1_000_003])
def test_a_large_file_is_stored_and_hashed_exactly_even_from_reused_chunk_buffers(storage, chunk):
    """9 MiB, past a start of the disk writeback. The stream hands over one bytearray that
    it refills after each chunk (as a server could): what is stored and hashed must be
    what arrived."""
    big = b"%PDF-1.7\n" + os.urandom(9 * 1024 * 1024) + b"\n%%EOF\n"
    data = body(file_part(big))

    async def reused_buffer() -> AsyncIterator[bytearray]:
        buffer = bytearray()
        for piece in chunked(data, chunk):
            buffer[:] = piece
            yield buffer
            buffer[:] = b"\xff" * len(buffer)

    limits = IntakeLimits(max_file_bytes=len(big))
    headers = {"content-type": CONTENT_TYPE, "content-length": str(len(data))}
    received = asyncio.run(
        receive_upload(reused_buffer(), headers, storage, limits, csrf=CSRF_PASSED)
    )
    assert received.sha256 == hashlib.sha256(big).hexdigest()
    assert received.temp_path.read_bytes() == big


def test_a_file_of_exactly_the_limit_is_accepted(storage):
    data = b"%" * LIMITS.max_file_bytes
    received = receive(storage, body(file_part(data)))
    assert received.size == LIMITS.max_file_bytes


def test_a_file_that_contains_the_boundary_prefix_is_kept_intact(storage):
    tricky = b"%PDF-1.7\r\n--" + BOUNDARY[:-1] + b"\r\n--\r\n" + b"x" * 10
    received = receive(storage, body(file_part(tricky)), chunk=3)
    assert received.temp_path.read_bytes() == tricky


# -- a check when the file begins (the lesson page's form names its exercise first) ---------

CHOICE_LIMITS = IntakeLimits(
    max_file_bytes=1024 * 1024, text_fields={"note": 8 * 1024, "exercise": 200}
)


class Check:
    """``before_file``: records the fields and what the storage held when it ran."""

    def __init__(self, storage: LocalStorage, refuse: Exception | None = None) -> None:
        self.storage, self.refuse = storage, refuse
        self.calls: list[tuple[dict[str, str], list[str]]] = []

    async def __call__(self, fields) -> None:
        self.calls.append((dict(fields), temp_files(self.storage)))
        if self.refuse is not None:
            raise self.refuse


def checked_receive(storage, data: bytes, check: Check, *, chunk: int = 65536, declared=None):
    headers = {"content-type": CONTENT_TYPE, "content-length": str(declared or len(data))}
    stream = FakeStream(chunked(data, chunk))
    return asyncio.run(
        receive_upload(
            stream.__aiter__(), headers, storage, CHOICE_LIMITS, csrf=CSRF_PASSED, before_file=check
        )
    )


CHOSEN = (part("exercise", b"leistungen-pruefen"), part("note", "Grüße".encode()))


@pytest.mark.parametrize("chunk", [1, 1000, 65536, 10**7])
def test_the_check_sees_the_fields_before_the_file_and_no_byte_of_it_is_kept_before(storage, chunk):
    check = Check(storage)
    received = checked_receive(storage, body(*CHOSEN, file_part()), check, chunk=chunk)
    assert check.calls == [({"exercise": "leistungen-pruefen", "note": "Grüße"}, [])]
    assert received.temp_path.read_bytes() == PDF_BYTES  # the held bytes came first
    assert received.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


def test_a_refusing_check_leaves_nothing_behind(storage):
    check = Check(storage, refuse=UploadRejected("unexpected_field"))
    with pytest.raises(UploadRejected):
        checked_receive(storage, body(*CHOSEN, file_part()), check)
    assert len(check.calls) == 1 and temp_files(storage) == []


@pytest.mark.parametrize("declared", [None, 10 * 1024 * 1024], ids=["in the body", "declared"])
def test_a_file_over_the_limit_is_refused_after_the_check_has_seen_the_fields(storage, declared):
    check = Check(storage)
    big = b"%PDF-1.7\n" + b"\0" * (2 * CHOICE_LIMITS.max_file_bytes)
    with pytest.raises(UploadRejected) as caught:
        checked_receive(storage, body(*CHOSEN, file_part(big)), check, declared=declared)
    assert caught.value.code == "too_large"
    assert [fields for fields, _ in check.calls] == [
        {"exercise": "leistungen-pruefen", "note": "Grüße"}
    ]
    assert temp_files(storage) == []


def test_with_a_check_two_files_are_still_refused(storage):
    check = Check(storage)
    with pytest.raises(UploadRejected) as caught:
        checked_receive(storage, body(*CHOSEN, file_part(), file_part()), check, chunk=10**7)
    assert caught.value.code == "multiple_files"
    assert temp_files(storage) == []


# -- too large -------------------------------------------------------------------------------


@pytest.mark.parametrize("content_length", [True, False])
def test_one_byte_over_the_limit_is_refused(storage, content_length):
    data = body(file_part(b"%" * (LIMITS.max_file_bytes + 1)))
    assert len(data) < LIMITS.max_body_bytes  # so only the file limit can catch it
    rejected = refused(storage, data, content_length=content_length)
    assert rejected.code == "too_large"
    assert rejected.status_code == 413
    assert rejected.params == {"limit_mb": 1}


def test_a_file_over_the_limit_is_cut_off_while_streaming(storage):
    """Without a declared length (chunked), reading stops one chunk after the limit."""
    data = body(file_part(b"%PDF-1.7\n" + b"\0" * (5 * LIMITS.max_file_bytes)))
    stream = FakeStream(chunked(data, 65536))
    rejected = refused(storage, data, content_length=False, stream=stream)
    assert rejected.code == "too_large"
    assert stream.pulled <= LIMITS.max_file_bytes + 65536 + 1024


def test_a_declared_length_over_the_body_cap_is_refused_before_reading(storage):
    data = body(file_part(b"%PDF-" + b"\0" * (2 * LIMITS.max_file_bytes)))
    stream = FakeStream(chunked(data, 65536))
    rejected = refused(storage, data, stream=stream)
    assert rejected.code == "too_large"
    assert stream.pulled == 0


def test_a_body_over_its_cap_is_cut_off_even_when_the_file_is_small(storage):
    """Bytes the parser skips (after the closing boundary) still count."""
    data = body(file_part(b"%PDF-1.7 small")) + b"p" * (5 * LIMITS.max_file_bytes)
    stream = FakeStream(chunked(data, 65536))
    rejected = refused(storage, data, stream=stream, content_length=False)
    assert rejected.code == "too_large"
    assert stream.pulled <= LIMITS.max_body_bytes + 65536


def test_memory_stays_flat_while_a_large_file_streams(storage):
    """32 MiB through the intake: Python allocations peak near one chunk, not the file."""
    size = 32 * 1024 * 1024
    limits = IntakeLimits(max_file_bytes=size)
    head = part("file", b"", filename=b"big.pdf")[: -len(b"\r\n")]
    tail = b"\r\n--" + BOUNDARY + b"--\r\n"

    def chunks() -> Iterable[bytes]:
        yield head
        for _ in range(size // 65536):
            yield b"\0" * 65536
        yield tail

    tracemalloc.start()
    try:
        received = receive(
            storage, b"", stream=FakeStream(chunks()), limits=limits, content_length=False
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received.size == size
    assert peak < 2 * 1024 * 1024


# -- the wrong number of files -------------------------------------------------------------


def test_two_files_are_refused(storage):
    data = body(file_part(), part("file", PDF_BYTES, filename=b"zwei.pdf"))
    assert refused(storage, data).code == "multiple_files"


def test_a_second_file_under_another_name_is_refused(storage):
    data = body(file_part(), part("attachment", b"x", filename=b"x.pdf"))
    assert refused(storage, data).code == "multiple_files"


def test_a_request_without_a_file_is_refused(storage):
    assert refused(storage, body(part("note", b"hallo"))).code == "no_file"


def test_an_empty_file_input_as_browsers_send_it_counts_as_no_file(storage):
    data = body(part("file", b"", filename=b"", content_type=b"application/octet-stream"))
    assert refused(storage, data).code == "no_file"


def test_an_empty_file_is_refused(storage):
    assert refused(storage, body(file_part(b""))).code == "empty_file"


def test_a_file_in_an_unexpected_field_is_refused(storage):
    data = body(part("document", PDF_BYTES, filename=b"a.pdf"))
    assert refused(storage, data).code == "unexpected_field"


# -- malformed bodies and headers -----------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/pdf",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "x" * 71,
        "multipart/mixed; boundary=" + BOUNDARY.decode(),
    ],
)
def test_a_body_that_is_not_multipart_form_data_is_refused(storage, content_type):
    rejected = refused(storage, body(file_part()), content_type=content_type)
    assert rejected.code == "bad_content_type"


def test_a_body_cut_off_before_the_closing_boundary_is_refused(storage):
    data = body(file_part())
    assert refused(storage, data[: len(data) // 2], content_length=False).code == "malformed"


def test_garbage_instead_of_multipart_is_refused(storage):
    data = b"this is not multipart at all\r\n" * 10
    assert refused(storage, data).code == "malformed"


def test_a_part_without_content_disposition_is_refused(storage):
    data = b"--" + BOUNDARY + b"\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + BOUNDARY + b"--\r\n"
    assert refused(storage, data).code == "malformed"


def test_an_overlong_header_line_is_refused(storage):
    data = body(file_part(filename=b"a" * 5000 + b".pdf"))
    assert refused(storage, data).code == "malformed"


def test_too_many_headers_in_a_part_are_refused(storage):
    extra = b"".join(b"X-Header-%d: x\r\n" % n for n in range(10))
    data = body(part("file", PDF_BYTES, filename=b"a.pdf", extra=extra))
    assert refused(storage, data).code == "malformed"


def test_too_many_parts_are_refused(storage):
    limits = IntakeLimits(max_file_bytes=1000, text_fields={f"f{n}": 10 for n in range(20)})
    data = body(*[part(f"f{n}", b"x") for n in range(limits.max_parts + 1)])
    assert refused(storage, data, limits=limits).code == "too_many_parts"


def test_an_unknown_text_field_is_refused(storage):
    assert refused(storage, body(part("admin", b"1"), file_part())).code == "unexpected_field"


def test_a_repeated_text_field_is_refused(storage):
    data = body(part("note", b"a"), part("note", b"b"), file_part())
    assert refused(storage, data).code == "malformed"


def test_a_note_over_its_cap_is_refused(storage):
    data = body(file_part(), part("note", b"n" * (LIMITS.text_fields["note"] + 1)))
    assert refused(storage, data).code == "field_too_long"


def test_a_note_that_is_not_utf8_is_refused(storage):
    assert refused(storage, body(file_part(), part("note", b"\xff\xfe"))).code == "malformed"


def test_a_base64_transfer_encoding_is_refused(storage):
    data = body(
        part("file", b"JVBERi0=", filename=b"a.pdf", extra=b"Content-Transfer-Encoding: base64\r\n")
    )
    assert refused(storage, data).code == "malformed"


def test_a_client_that_goes_away_leaves_no_temp_file(storage):
    data = body(file_part())
    stream = FakeStream(chunked(data, 1000), fail_after=100_000)
    with pytest.raises(ConnectionResetError):
        receive(storage, data, stream=stream)
    assert temp_files(storage) == []


def test_a_client_that_goes_away_in_the_middle_of_a_large_file_leaves_no_temp_file(storage):
    """9 MiB, gone after 5 MiB."""
    big = os.urandom(9 * 1024 * 1024)
    data = body(file_part(big))
    stream = FakeStream(chunked(data, 65536), fail_after=5 * 1024 * 1024)
    limits = IntakeLimits(max_file_bytes=len(big))
    with pytest.raises(ConnectionResetError):
        receive(storage, data, stream=stream, limits=limits)
    assert temp_files(storage) == []


def test_a_failed_write_is_raised_and_leaves_no_temp_file(storage, monkeypatch):
    """The disk fills up in the middle of a large file."""
    written = []
    real_write = TempFile.write

    def write_until_full(self, data):
        if sum(written) > 2 * 1024 * 1024:
            raise OSError(28, "No space left on device")
        written.append(len(data))
        real_write(self, data)

    monkeypatch.setattr(TempFile, "write", write_until_full)
    big = os.urandom(6 * 1024 * 1024)
    with pytest.raises(OSError, match="No space left"):
        receive(storage, body(file_part(big)), limits=IntakeLimits(max_file_bytes=len(big)))
    assert temp_files(storage) == []


# -- the display name ----------------------------------------------------------------------


def test_path_parts_in_the_file_name_are_dropped(storage):
    received = receive(storage, body(file_part(filename=b"../../etc/passwd.pdf")))
    assert received.display_name == "passwd.pdf"
    assert received.temp_path.parent == storage.temp_dir  # the name never became a path


def test_control_characters_in_the_file_name_are_removed(storage):
    received = receive(storage, body(file_part(filename=b"Stra\x01te\x1bgie\x7f.pdf")))
    assert received.display_name == "Strategie.pdf"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("C:\\Users\\Lea\\Strategie final.pdf", "Strategie final.pdf"),
        ("rechnung\u202efdp.exe", "rechnungfdp.exe"),  # no right-to-left override
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("Stra\u0300tegie.pdf", "Stràtegie.pdf"),  # combining accent composed (NFKC)
        ("ﬁnal／plan.pdf", "plan.pdf"),  # compatibility forms folded, then split
        ("  viel    Platz  .pdf ", "viel Platz .pdf"),
        ("...", "dokument.pdf"),
        ("", "dokument.pdf"),
        ("\x00\x01", "dokument.pdf"),
    ],
)
def test_display_names_are_made_safe_to_show(raw, shown):
    assert display_name(raw) == shown


def test_a_long_display_name_is_capped_with_its_extension_kept():
    shown = display_name("ä" * 500 + ".pdf")
    assert len(shown) == 120 and shown.endswith("….pdf")


def test_a_utf8_file_name_is_decoded(storage):
    received = receive(storage, body(file_part(filename="Übung März.pdf".encode())))
    assert received.display_name == "Übung März.pdf"


# -- through a real ASGI request --------------------------------------------------------------


def test_a_chunked_request_through_starlette_is_cut_off_after_the_limit(tmp_path):
    """httpx sends a generator body with Transfer-Encoding: chunked; the app reads it with
    ``request.stream()`` and must stop pulling soon after the limit."""
    storage = LocalStorage(tmp_path / "storage")
    pulled = {"bytes": 0}

    async def endpoint(request: Request) -> JSONResponse:
        try:
            received = await receive_upload(
                request.stream(), request.headers, storage, LIMITS, csrf=CSRF_PASSED
            )
        except UploadRejected as rejected:
            return JSONResponse({"code": rejected.code}, status_code=rejected.status_code)
        storage.delete_temp(received.temp_path)
        return JSONResponse({"size": received.size, "sha256": received.sha256})

    app = Starlette(routes=[Route("/upload", endpoint, methods=["POST"])])

    async def generate(data: bytes):
        for chunk in chunked(data, 65536):
            pulled["bytes"] += len(chunk)
            yield chunk

    async def post(data: bytes) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post(
                "/upload", content=generate(data), headers={"content-type": CONTENT_TYPE}
            )

    small = asyncio.run(post(body(file_part())))
    assert small.status_code == 200
    assert small.json()["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()

    pulled["bytes"] = 0
    huge = body(file_part(b"%PDF-" + b"\0" * (20 * LIMITS.max_file_bytes)))
    response = asyncio.run(post(huge))
    assert response.status_code == 413 and response.json() == {"code": "too_large"}
    assert pulled["bytes"] < 2 * LIMITS.max_file_bytes
    assert temp_files(storage) == []


def test_the_limits_follow_the_settings():
    from kurswerk.core.settings import Settings

    limits = IntakeLimits.from_settings(Settings(max_upload_mb=7))
    assert limits.max_file_bytes == 7 * 1024 * 1024 and limits.max_file_mb == 7
    assert limits.max_body_bytes > limits.max_file_bytes
