"""Bad annotation data (issue 13 "Bad input and races"; the limits of the contract): each
refusal is a clear 4xx that says where the problem is, and the stored set stays exactly
as it was."""

from __future__ import annotations

import json

import pytest

from feedback.workbench.document import MAX_BODY_BYTES
from kurswerk.core.errors import error_code
from tests.feedback.workbench.conftest import pdf_of
from tests.feedback.workbench.helpers import (
    annotations_path,
    freetext,
    get_set,
    highlight,
    ink,
    note,
    put_raw,
    put_set,
    stored,
)


@pytest.fixture
def with_a_saved_set(web, world, claimed, use_pdf):
    use_pdf(claimed, pdf_of([{}, {}]))  # two A4 pages
    assert put_set(web, world.tutor, claimed.id, 0, [note()]).status_code == 200
    return claimed


def unchanged(web, world, db, submission) -> bool:
    (row,) = stored(db)
    answer = get_set(web, world.tutor, submission.id).json()
    return row.revision == 1 and [a["id"] for a in answer["annotations"]] == ["n1"]


def body(*items: dict, revision: int = 1) -> bytes:
    return json.dumps({"revision": revision, "annotations": list(items)}).encode()


BAD = {
    "page that does not exist": (
        body(note(page=3)),
        "annotations.0.page",
        "page 3 of a PDF with 2",
    ),
    "page 0": (body(note(page=0)), "annotations.0.note.page", "greater than or equal to 1"),
    "point off the page": (body(note(at=[700, 100])), "annotations.0", "outside page 1"),
    "ink point off the page": (
        body(ink(paths=[[[100, 100], [100, 900]]])),
        "annotations.0",
        "outside page 1",
    ),
    "NaN": (body(note()).replace(b"[500, 800]", b"[NaN, 800]"), "note.at.0", "finite number"),
    "Infinity": (body(note()).replace(b"800]", b"1e999]"), "note.at.1", "finite number"),
    "unknown type": (body({**note(), "type": "stamp"}), "annotations.0", "'stamp'"),
    "unknown key": (body(note(script="x")), "note.script", "Extra inputs"),
    "unknown top-level key": (
        json.dumps({"revision": 1, "annotations": [], "x": 1}).encode(),
        "x",
        "Extra inputs",
    ),
    "not JSON": (b'{"revision": 1, "annotations": [', "body", "Invalid JSON"),
    "not an object": (b"[]", "body", "should be an object"),
    "number as a string": (body(note(page="1")), "note.page", "valid integer"),
    "colour": (body(note(color="red")), "note.color", "should match pattern"),
    "id": (body(note(id="a b")), "note.id", "should match pattern"),
    "id twice": (body(note(), note(at=[10, 10])), "annotations.1.id", "used twice"),
    "rectangle without area": (
        body(highlight(rects=[[72, 700, 72, 714]])),
        "highlight.rects.0",
        "width and a height",
    ),
    "no rectangles": (body(highlight(rects=[])), "highlight.rects", "at least 1 item"),
    "201 rectangles": (
        body(highlight(rects=[[72, 700, 300, 714]] * 201)),
        "highlight.rects",
        "at most 200",
    ),
    "51 ink paths": (body(ink(paths=[[[1, 1]]] * 51)), "ink.paths", "at most 50"),
    "2001 points": (body(ink(paths=[[[1, 1]] * 2001])), "ink.paths.0", "at most 2000"),
    "text too long": (body(note(text="x" * 5001)), "note.text", "5001 characters, at most 5000"),
    "quote too long": (body(highlight(quote="x" * 2001)), "highlight.quote", "at most 2000"),
    "font size": (body(freetext(size=500)), "freetext.size", "less than or equal to 96"),
    "1001 annotations": (
        body(*[note(id=f"n{i}") for i in range(1001)]),
        "annotations",
        "at most 1000",
    ),
    "negative revision": (body(note(), revision=-1), "revision", "greater than or equal to 0"),
}


@pytest.mark.parametrize(("data", "where", "what"), BAD.values(), ids=BAD.keys())
def test_bad_annotation_data_is_refused_with_422_and_the_set_stays(
    web, world, with_a_saved_set, db, data, where, what
):
    answer = put_raw(web, world.tutor, with_a_saved_set.id, data)
    assert answer.status_code == 422, answer.text
    refusal = answer.json()
    assert refusal["error"] == error_code(422) and refusal["status"] == 422
    assert refusal["message"].startswith("Die Anmerkungen wurden nicht gespeichert")
    assert any(where in p["where"] and what in p["what"] for p in refusal["problems"]), refusal
    assert unchanged(web, world, db, with_a_saved_set)


def test_a_body_over_one_mebibyte_is_refused_with_413(web, world, with_a_saved_set, db):
    padding = "x" * 5000
    items = [note(id=f"n{i}", text=padding) for i in range(MAX_BODY_BYTES // 5000 + 1)]
    data = json.dumps({"revision": 1, "annotations": items}).encode()
    assert len(data) > MAX_BODY_BYTES
    answer = put_raw(web, world.tutor, with_a_saved_set.id, data)
    assert answer.status_code == 413
    assert "zu umfangreich (höchstens 1024 KB" in answer.json()["message"]
    assert unchanged(web, world, db, with_a_saved_set)


def test_a_body_over_the_cap_without_a_length_is_cut_off(web, world, with_a_saved_set, db):
    def chunks():
        yield b'{"revision": 1, "annotations": ['
        for _ in range(40):
            yield b" " * 64 * 1024

    answer = web.put(
        annotations_path(world.tutor, with_a_saved_set.id),
        content=chunks(),
        headers={"content-type": "application/json", "x-csrf-token": world.tutor.csrf},
    )
    assert answer.status_code == 413
    assert unchanged(web, world, db, with_a_saved_set)


def test_a_body_that_is_not_json_is_refused_with_415(web, world, with_a_saved_set, db):
    answer = put_raw(
        web, world.tutor, with_a_saved_set.id, b"revision=1", content_type="text/plain"
    )
    assert answer.status_code == 415 and "als JSON" in answer.json()["message"]
    assert unchanged(web, world, db, with_a_saved_set)


def test_a_set_at_the_limits_is_accepted(web, world, with_a_saved_set):
    items = [
        highlight(
            id="h" * 40, rects=[[72, 700, 300, 714]] * 200, text="t" * 5000, quote="q" * 2000
        ),
        ink(id="i-_9", paths=[[[100 + i % 100, 100] for i in range(2000)]] + [[[1, 1]]] * 49),
        note(at=[-4.9, 846.9], page=2),  # within 5 pt of the corner
    ]
    answer = put_set(web, world.tutor, with_a_saved_set.id, 1, items)
    assert answer.status_code == 200, answer.text


def test_a_cropped_page_takes_points_in_its_crop_box_in_user_space(
    web, world, claimed, use_pdf, db
):
    use_pdf(claimed, pdf_of([{"crop": [100, 200, 400, 600]}]))
    outside = put_set(web, world.tutor, claimed.id, 0, [note(at=[50, 150])])
    assert outside.status_code == 422 and "outside page 1 (100 200 400 600)" in outside.text
    inside = put_set(web, world.tutor, claimed.id, 0, [note(at=[110, 590])])
    assert inside.status_code == 200, inside.text


def test_a_rotated_page_takes_points_of_the_unrotated_page(web, world, claimed, use_pdf):
    use_pdf(claimed, pdf_of([{"rotate": 90}]))
    # x up to the width (595) and y up to the height (842), as the page is before rotation
    answer = put_set(web, world.tutor, claimed.id, 0, [note(at=[590, 840])])
    assert answer.status_code == 200, answer.text
