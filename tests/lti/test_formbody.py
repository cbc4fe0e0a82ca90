"""The login/launch form is read by us, with a cap, before anything parses it."""

from __future__ import annotations

import asyncio

import pytest
from starlette.requests import Request

from lti import errors
from lti.formbody import MAX_FORM_BYTES, read_capped_form


def _request(headers: dict[str, str], chunks: list[bytes]) -> tuple[Request, list[int]]:
    reads: list[int] = []
    pending = list(chunks)

    async def receive() -> dict[str, object]:
        reads.append(1)
        body = pending.pop(0) if pending else b""
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/lti/launch",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    return Request(scope, receive), reads


def test_declared_oversize_body_is_refused_without_reading_it():
    request, reads = _request(
        {
            "content-length": str(10 * 1024 * 1024),
            "content-type": "application/x-www-form-urlencoded",
        },
        [b"id_token=" + b"a" * 100],
    )
    with pytest.raises(errors.PayloadTooLarge):
        asyncio.run(read_capped_form(request))
    assert reads == []


def test_streamed_body_is_cut_off_at_the_cap():
    chunk = b"a" * 8192
    chunks = [b"id_token="] + [chunk] * 1000  # 8 MB if read to the end
    request, reads = _request({"content-type": "application/x-www-form-urlencoded"}, chunks)
    with pytest.raises(errors.PayloadTooLarge):
        asyncio.run(read_capped_form(request))
    assert len(reads) <= MAX_FORM_BYTES // len(chunk) + 2


def test_unreadable_content_length_is_a_bad_form():
    request, _ = _request({"content-length": "lots"}, [b""])
    with pytest.raises(errors.BadForm):
        asyncio.run(read_capped_form(request))


def test_form_is_parsed_first_value_wins():
    request, _ = _request(
        {"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
        [b"state=s1&state=s2&id_token=t%2Bt"],
    )
    assert asyncio.run(read_capped_form(request)) == {"state": "s1", "id_token": "t+t"}


def test_too_many_fields_are_a_bad_form():
    body = "&".join(f"f{i}=x" for i in range(100)).encode()
    request, _ = _request({"content-type": "application/x-www-form-urlencoded"}, [body])
    with pytest.raises(errors.BadForm):
        asyncio.run(read_capped_form(request))


def test_invalid_utf8_is_a_bad_form():
    request, _ = _request(
        {"content-type": "application/x-www-form-urlencoded"}, [b"state=\xff\xfe"]
    )
    with pytest.raises(errors.BadForm):
        asyncio.run(read_capped_form(request))
