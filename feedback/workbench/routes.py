"""The workbench's annotation API (the contract in ``/work/notes/annotations-format.md``):
the set as JSON (GET), saving it (PUT), and the PDF with the annotations written in
(GET, for the release confirmation; with ``?revision=`` only that revision of the set,
else 409). Staff of the course only; everyone else gets 404.

The routes answer in JSON, refusals too: ``{"error": <code>, "message": <text in the
tutor's language>, "status": <status>}`` plus ``revision`` (the current one) on a 409
conflict and ``problems`` (``[{"where", "what"}]``) on a 422. The PUT streams its body
itself (``streams_own_body``) and caps it at ``document.MAX_BODY_BYTES`` whatever the
app's form cap is; its CSRF token comes in the ``X-CSRF-Token`` header (checked by
``require_csrf`` before a byte of the body is read). Database work runs in the
threadpool in a transaction of its own, committed only when the save is accepted.
"""

from __future__ import annotations

import os
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from feedback.http import NO_STORE, PDF_CSP, json_refusal, pdf_disposition
from feedback.routes.tutor import Id, StaffPrincipal, claim_ttl, storage_of
from feedback.workbench import annotated
from feedback.workbench import annotations as annotation_sets
from feedback.workbench.document import MAX_BODY_BYTES, InvalidDocument, parse_save
from feedback.workbench.errors import AnnotationsInvalid, AnnotationsTooLarge
from kurswerk.core.auth import Principal
from kurswerk.core.body_limit import StreamedBody, streams_own_body
from kurswerk.core.csrf import CsrfChecked
from kurswerk.core.db import MAX_ROW_ID, SessionDep, new_session
from kurswerk.core.errors import AppError
from kurswerk.core.files.download import pdf_stream
from kurswerk.core.i18n import N_

router = APIRouter(prefix="/c/{context}")
NOT_JSON = N_("Die Anmerkungen müssen als JSON gesendet werden (Content-Type: application/json).")


@router.get("/review/{submission_id}/annotations", name="feedback_annotations")
def feedback_annotations(
    request: Request, principal: StaffPrincipal, session: SessionDep, submission_id: Id
) -> Response:
    try:
        view = annotation_sets.load(session, principal, submission_id)
    except AppError as error:
        return json_refusal(request, principal, error)
    return JSONResponse(view.as_json(), headers=NO_STORE)


async def read_capped(request: Request, body: StreamedBody, limit: int) -> bytes:
    """The whole body, or :class:`AnnotationsTooLarge` as soon as it passes ``limit``
    (an announced length over it: before a byte is read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise AnnotationsTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in body.chunks():
        size += len(chunk)
        if size > limit:
            raise AnnotationsTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


@router.put(
    "/review/{submission_id}/annotations",
    name="feedback_annotations_save",
    dependencies=[CsrfChecked],
)
@streams_own_body
async def feedback_annotations_save(
    request: Request, principal: StaffPrincipal, submission_id: Id
) -> Response:
    body = StreamedBody(request)
    try:
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise AppError(NOT_JSON, 415, reason=f"content-type {content_type[:60]!r}")
        raw = await read_capped(request, body, MAX_BODY_BYTES)
        saved = await run_in_threadpool(_save, request, principal, submission_id, raw)
    except AppError as error:
        return body.close_unless_read(json_refusal(request, principal, error))
    return JSONResponse(
        {"revision": saved.revision, "saved_at": saved.saved_at.isoformat()}, headers=NO_STORE
    )


def _save(
    request: Request, principal: Principal, submission_id: int, raw: bytes
) -> annotation_sets.Saved:
    """Check the set's shape (no database), then save it in a transaction of its own."""
    try:
        document = parse_save(raw)
    except InvalidDocument as exc:
        raise AnnotationsInvalid(exc.problems) from None
    with new_session(request.app.state.engine) as session:
        saved = annotation_sets.save(
            session,
            principal,
            submission_id,
            document,
            storage=storage_of(request),
            ttl=claim_ttl(request),
        )
        session.commit()
    return saved


@router.get("/review/{submission_id}/annotated.pdf", name="feedback_annotated_preview")
def feedback_annotated_preview(
    request: Request,
    principal: StaffPrincipal,
    session: SessionDep,
    submission_id: Id,
    revision: Annotated[int | None, Query(ge=0, le=MAX_ROW_ID)] = None,
) -> Response:
    """The latest version's PDF with the current set written in, made now and not stored
    (what the learner would get on release), inline. With ``revision`` (the release
    confirmation's): that revision of the set, or a 409 page if it has moved on."""
    storage = storage_of(request)
    made = annotated.preview(session, principal, submission_id, storage, revision=revision)
    handle = open(made.path, "rb")  # noqa: SIM115 - closed by the response once sent
    storage.delete_temp(made.path)  # the open handle keeps the file until then
    return pdf_stream(
        handle,
        disposition=pdf_disposition("inline", made.filename),
        size=os.fstat(handle.fileno()).st_size,
        headers={
            "Content-Security-Policy": PDF_CSP,
            "Cross-Origin-Resource-Policy": "same-origin",
            **NO_STORE,
        },
    )
