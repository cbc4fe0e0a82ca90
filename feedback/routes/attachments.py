"""The feedback PDF upload (coaching issue §3: "may attach a feedback PDF (same checks)").

``async``: the body is read from the ASGI stream by ``kurswerk.core.files.intake.receive_upload``
(streaming multipart, size cap while it arrives, temp file); the PDF check, the scan,
storage and the database run in the threadpool, each database step in its own short
transaction. Every refusal re-renders the review page with the reason; the draft is
only changed by the last step, after the file was accepted and stored.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from feedback import drafts, errors
from feedback.errors import AttachmentRefused
from feedback.routes.tutor import (
    Id,
    StaffPrincipal,
    claim_ttl,
    refused_page,
    review_path,
    settings_of,
    storage_of,
)
from kurswerk.core.body_limit import streams_own_body
from kurswerk.core.csrf import StreamedCsrf
from kurswerk.core.db import new_session
from kurswerk.core.files.errors import UploadRejected
from kurswerk.core.files.intake import IntakeLimits, ReceivedUpload, receive_upload
from kurswerk.core.files.pdf.check import check_pdf
from kurswerk.core.files.scan import ensure_clean, scanner_from_settings
from kurswerk.core.files.storage import Storage
from kurswerk.core.settings import Settings
from kurswerk.core.templating import redirect_to

router = APIRouter(prefix="/c/{context}")


@router.post(
    "/review/{submission_id}/feedback/attachment",
    name="feedback_attachment_upload",
)
@streams_own_body
async def upload_attachment(
    request: Request, principal: StaffPrincipal, submission_id: Id, csrf: StreamedCsrf
) -> Response:
    """The feedback PDF: streamed in with the submission intake's limits, checked like a
    submission (PDF check in an isolated worker, virus scan when configured), stored
    under its hash, then attached to the draft. Any refusal leaves the draft unchanged."""
    engine = request.app.state.engine
    settings = settings_of(request)
    storage = storage_of(request)

    def edit(work: Any) -> Response | None:
        """Run ``work(session)`` in its own transaction; a refusal renders the page."""
        with new_session(engine) as session:
            try:
                work(session)
            except errors.EditRefused as exc:
                return refused_page(request, session, principal, submission_id, exc)
            session.commit()
        return None

    def refusal(exc: UploadRejected) -> Response:
        with new_session(engine) as session:
            error = AttachmentRefused(exc)
            return refused_page(request, session, principal, submission_id, error)

    # Refuse early (before reading the body) when the draft is not ours to change.
    refused = await run_in_threadpool(
        edit, lambda session: drafts.may_edit(session, principal, submission_id)
    )
    if refused is not None:
        return refused
    limits = IntakeLimits(max_file_bytes=settings.max_upload_bytes, text_fields={"csrf_token": 256})
    try:
        received = await receive_upload(
            request.stream(), request.headers, storage, limits, csrf=csrf
        )
    except UploadRejected as exc:
        return await run_in_threadpool(refusal, exc)
    try:
        key = await run_in_threadpool(_check_and_store, received, storage, settings)
    except UploadRejected as exc:
        return await run_in_threadpool(refusal, exc)
    finally:
        storage.delete_temp(received.temp_path)  # a committed file has left the temp folder

    refused = await run_in_threadpool(
        edit,
        lambda session: drafts.set_attachment(
            session,
            principal,
            submission_id,
            key=key,
            name=received.display_name,
            ttl=claim_ttl(request),
        ),
    )
    if refused is not None:
        return refused
    return redirect_to(
        request,
        principal,
        review_path(principal, submission_id),
        anchor="kw-attachment",
        done="attached",
    )


def _check_and_store(received: ReceivedUpload, storage: Storage, settings: Settings) -> str:
    check_pdf(received.temp_path)
    ensure_clean(received.temp_path, scanner_from_settings(settings))
    return storage.commit(received.temp_path, received.sha256)
