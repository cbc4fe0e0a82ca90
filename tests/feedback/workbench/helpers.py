"""Requests of the workbench's annotation API, and annotations to send."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from feedback.workbench.models import AnnotationSet
from tests.feedback.helpers import path
from tests.support.people import Learner

JSON = {"accept": "application/json"}


def annotations_path(person: Learner, sid: int) -> str:
    return path(person, f"/review/{sid}/annotations")


def get_set(web: TestClient, person: Learner, sid: int) -> Response:
    return web.get(annotations_path(person, sid), headers=JSON)


def put_set(
    web: TestClient,
    person: Learner,
    sid: int,
    revision: int,
    items: list[dict[str, Any]],
    *,
    csrf: str | None = None,
    **extra: Any,
) -> Response:
    token = person.csrf if csrf is None else csrf
    body = json.dumps({"revision": revision, "annotations": items, **extra})
    return put_raw(web, person, sid, body.encode(), csrf=token)


def put_raw(
    web: TestClient,
    person: Learner,
    sid: int,
    body: bytes,
    *,
    csrf: str | None = None,
    content_type: str = "application/json",
) -> Response:
    headers = {**JSON, "content-type": content_type}
    token = person.csrf if csrf is None else csrf
    if token:
        headers["x-csrf-token"] = token
    return web.put(annotations_path(person, sid), content=body, headers=headers)


def highlight(id: str = "h1", page: int = 1, **kw: Any) -> dict[str, Any]:
    return {
        "id": id,
        "type": "highlight",
        "page": page,
        "rects": [[72, 700, 300, 714], [72, 684, 250, 698]],
        "color": "#ffd400",
        "text": "Genau hier fehlt die Begründung.",
        "quote": "Zielgruppe: alle",
        **kw,
    }


def note(id: str = "n1", page: int = 1, **kw: Any) -> dict[str, Any]:
    return {"id": id, "type": "note", "page": page, "at": [500, 800], "text": "Schön!",
            "color": "#ffd400", **kw}  # fmt: skip


def freetext(id: str = "f1", page: int = 1, **kw: Any) -> dict[str, Any]:
    text = "Bitte die Kanäle begründen."
    return {"id": id, "type": "freetext", "page": page, "rect": [72, 400, 300, 460],
            "text": text, "size": 12, "color": "#c00000", **kw}  # fmt: skip


def ink(id: str = "i1", page: int = 1, **kw: Any) -> dict[str, Any]:
    return {"id": id, "type": "ink", "page": page,
            "paths": [[[100, 100], [120, 130], [150, 110]], [[200, 200]]],
            "color": "#c00000", "width": 2, **kw}  # fmt: skip


def stored(db: Session, version_id: int | None = None) -> list[AnnotationSet]:
    db.expire_all()
    query = select(AnnotationSet)
    if version_id is not None:
        query = query.where(AnnotationSet.submission_version_id == version_id)
    return list(db.exec(query).all())
