"""Reading a submitted PDF in the browser or downloading it (coaching issue §3): served as
a PDF that nothing may sniff, script or frame, only to the course's staff and its learner."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlmodel import select

from feedback.http import pdf_disposition
from kurswerk.core.files.storage import LocalStorage
from uploads.models import SubmissionVersion


def get_file(web, person, sid, number=1, disposition="inline"):
    url = f"/c/{person.context_id}/review/{sid}/versions/{number}/file"
    if disposition:
        url += f"?disposition={disposition}"
    return web.get(person.url(url))


def test_inline_for_reading_with_the_protective_headers(web, world, make_submission):
    submission = make_submission(world.learner)
    response = get_file(web, world.tutor, submission.id)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    csp = response.headers["content-security-policy"]
    assert csp.startswith("sandbox; default-src 'none'")
    assert "frame-ancestors 'none'" in csp and "script-src" not in csp
    assert response.headers["content-disposition"] == (
        "inline; filename=\"Losung v1.pdf\"; filename*=UTF-8''" + quote("Lösung v1.pdf", safe="")
    )
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"%PDF-")


def test_download_is_an_attachment_and_the_default(web, world, make_submission):
    submission = make_submission(world.learner)
    for disposition in ("attachment", None):
        response = get_file(web, world.tutor, submission.id, disposition=disposition)
        assert response.status_code == 200
        assert response.headers["content-disposition"].startswith("attachment; filename=")


def test_an_unknown_disposition_is_a_bad_request(web, world, make_submission):
    submission = make_submission(world.learner)
    response = get_file(web, world.tutor, submission.id, disposition="evil")
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["tutor", "admin", "learner"])
def test_staff_of_the_course_and_the_learner_who_submitted_may_read(
    web, world, make_submission, who
):
    submission = make_submission(world.learner)
    assert get_file(web, getattr(world, who), submission.id).status_code == 200


def test_everyone_else_gets_404_or_403(web, world, make_submission):
    submission = make_submission(world.learner)
    assert get_file(web, world.learner2, submission.id).status_code == 404
    assert get_file(web, world.other_tutor, submission.id).status_code == 404
    foreign = web.get(
        world.other_tutor.url(
            f"/c/{world.learner.context_id}/review/{submission.id}/versions/1/file"
        )
    )
    assert foreign.status_code == 403
    assert get_file(web, world.tutor, submission.id, number=2).status_code == 404
    assert get_file(web, world.tutor, submission.id + 1000).status_code == 404
    assert b"%PDF" not in get_file(web, world.learner2, submission.id).content


@pytest.mark.parametrize("bad", ["99999999999999999999", "0", "-1", "abc"])
def test_ids_out_of_range_are_refused_cleanly(web, world, make_submission, bad):
    make_submission(world.learner)
    response = web.get(world.tutor.url(f"/c/{world.tutor.context_id}/review/{bad}/versions/1/file"))
    assert response.status_code == 400


def test_a_stored_file_that_went_missing_is_404_not_500(web, world, make_submission, db, storage):
    submission = make_submission(world.learner)
    version = db.exec(
        select(SubmissionVersion).where(SubmissionVersion.submission_id == submission.id)
    ).one()
    assert isinstance(storage, LocalStorage)
    storage.path_for(version.file_key).unlink()
    assert get_file(web, world.tutor, submission.id).status_code == 404


@pytest.mark.parametrize(
    ("name", "fallback", "utf8"),
    [
        ("Lösung.pdf", "Losung.pdf", "L%C3%B6sung.pdf"),
        ('a"b\\c.pdf', "a_b_c.pdf", "a%22b%5Cc.pdf"),
        ("bericht", "bericht.pdf", "bericht.pdf"),
        ("Ünïcødé ✓", "Unicde .pdf", "%C3%9Cn%C3%AFc%C3%B8d%C3%A9%20%E2%9C%93.pdf"),
        ("", "dokument.pdf", "dokument.pdf"),
        ("zeile\r\nX-Evil: 1.pdf", "zeile X-Evil_ 1.pdf", "zeile%20X-Evil%3A%201.pdf"),
    ],
)
def test_content_disposition_names(name, fallback, utf8):
    header = pdf_disposition("inline", name)
    assert header == f"inline; filename=\"{fallback}\"; filename*=UTF-8''{utf8}"
    assert "\r" not in header and "\n" not in header


# The workbench's viewer reads a long PDF by parts (range requests, kurswerk/static/
# workbench/viewer.js): the route answers a Range with 206 and just those bytes,
# uncompressed, under the same authorisation and headers as the whole file.


def get_range(web, person, sid, byte_range, **headers):
    url = f"/c/{person.context_id}/review/{sid}/versions/1/file?disposition=inline"
    return web.get(person.url(url), headers={"Range": byte_range, **headers})


def test_the_whole_pdf_says_it_answers_ranges_and_is_not_compressed(web, world, make_submission):
    submission = make_submission(world.learner)
    response = web.get(
        world.tutor.url(
            f"/c/{world.tutor.context_id}/review/{submission.id}/versions/1/file?disposition=inline"
        ),
        headers={"Accept-Encoding": "br, gzip, zstd"},
    )
    assert response.status_code == 200
    assert response.headers["accept-ranges"] == "bytes"
    assert "content-encoding" not in response.headers
    assert response.headers["content-length"] == str(len(response.content))


@pytest.mark.parametrize(
    ("byte_range", "part"),
    [
        ("bytes=0-99", slice(0, 100)),
        ("bytes=-50", slice(-50, None)),
        ("bytes=100-", slice(100, None)),
    ],
)
def test_a_range_is_answered_with_206_and_just_those_bytes(
    web, world, make_submission, byte_range, part
):
    submission = make_submission(world.learner)
    whole = get_file(web, world.tutor, submission.id).content
    response = get_range(
        web, world.tutor, submission.id, byte_range, **{"Accept-Encoding": "br, gzip, zstd"}
    )
    assert response.status_code == 206
    assert response.content == whole[part]
    first = part.indices(len(whole))[0]
    assert response.headers["content-range"] == (
        f"bytes {first}-{first + len(response.content) - 1}/{len(whole)}"
    )
    assert "content-encoding" not in response.headers
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("sandbox; default-src 'none'")
    assert response.headers["cache-control"] == "no-store"


def test_a_range_beyond_the_end_is_416(web, world, make_submission):
    submission = make_submission(world.learner)
    size = len(get_file(web, world.tutor, submission.id).content)
    response = get_range(web, world.tutor, submission.id, f"bytes={size}-{size + 10}")
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"
    assert b"%PDF" not in response.content


@pytest.mark.parametrize("byte_range", ["bytes=abc", "bytes=20-10", "lines=0-10"])
def test_a_malformed_range_is_a_bad_request(web, world, make_submission, byte_range):
    submission = make_submission(world.learner)
    response = get_range(web, world.tutor, submission.id, byte_range)
    assert response.status_code == 400
    assert b"%PDF" not in response.content


def test_a_range_does_not_open_the_pdf_to_anyone_else(web, world, make_submission):
    submission = make_submission(world.learner)
    for person, status in ((world.learner2, 404), (world.other_tutor, 404)):
        response = get_range(web, person, submission.id, "bytes=0-99")
        assert response.status_code == status
        assert b"%PDF" not in response.content
    foreign = web.get(
        world.other_tutor.url(
            f"/c/{world.learner.context_id}/review/{submission.id}/versions/1/file"
        ),
        headers={"Range": "bytes=0-99"},
    )
    assert foreign.status_code == 403
    assert b"%PDF" not in foreign.content
