"""The learner's PDF with the tutor's annotations: written for the release (checked,
stored, made the feedback's PDF) and for the preview before it (written, not stored).

At release (``feedback.release.release``, in its transaction, after the feedback turned
released): the set must still be at the revision the release confirmation showed (its
form sends it), else nothing is released (:class:`~feedback.errors.AnnotationsChanged`,
the caller rolls back): what the learner gets is what the tutor confirmed, not what
another tab saved since. If that set has annotations, the writer
(``feedback.workbench.writer``) copies the version's stored PDF with the annotations
into a temp file of the storage, our PDF check (``kurswerk.core.files.pdf.check``, in
its isolated worker, as for uploads) checks the copy, and the storage commits it under
its hash; the feedback row gets its key and name (``annotated_key``,
``annotated_name``). A PDF the tutor attached stays beside it: the learner gets both.
The learner's own file is only read, never written.

The preview (:func:`preview`) writes the same copy for the tutor's eyes; given the
confirmed revision it refuses a set that has moved on, so the confirmation never shows
one set and releases another.

Failure leaves nothing half-done: a write or check that fails raises
:class:`~feedback.workbench.errors.AnnotatedPdfFailed` (the caller rolls the release
back, the draft stays a draft); the temp file is removed in any case. As with a
feedback PDF the tutor attaches, the object is committed to the storage before the
transaction; should the transaction then fail, an unreferenced object stays behind,
harmless under its hash (``kurswerk.core.files.storage``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from feedback.access import submission_for_staff
from feedback.claims import display_name
from feedback.errors import AnnotationsChanged
from feedback.models import Feedback
from feedback.workbench.annotations import latest_version, stored_set
from feedback.workbench.document import load
from feedback.workbench.errors import AnnotatedPdfFailed
from feedback.workbench.writer import PdfWriteFailed, write_annotated
from kurswerk.core import i18n
from kurswerk.core.auth import Principal
from kurswerk.core.clock import utcnow
from kurswerk.core.files.errors import PdfRejected
from kurswerk.core.files.pdf.check import check_pdf
from kurswerk.core.files.storage import Storage
from kurswerk.core.i18n import N_
from uploads.models import SubmissionVersion

ANNOTATED_NAME = N_("%(name)s – mit Anmerkungen")
"""The annotated PDF's file name (without ``.pdf``), ``name`` the learner's own file's."""
_NAME_CHARS = 200

_feedback = Feedback.__table__  # type: ignore[attr-defined]


def annotated_name(display_name: str, locale: str) -> str:
    stem = display_name[:-4] if display_name.lower().endswith(".pdf") else display_name
    stem = " ".join(stem.split())[:_NAME_CHARS] or "Einreichung"
    return i18n.gettext(locale, ANNOTATED_NAME, name=stem) + ".pdf"


def write_to_temp(
    storage: Storage,
    version: SubmissionVersion,
    annotations: list[Any],
    *,
    author: str,
    when: datetime,
) -> Path:
    """The version's PDF with ``annotations``, in a temp file of ``storage`` (the caller
    deletes it: ``storage.delete_temp``)."""
    temp = storage.put_temp()
    temp.file.close()
    try:
        write_annotated(
            storage.path_for(version.file_key), temp.path, annotations, author=author, when=when
        )
    except PdfWriteFailed as exc:
        storage.delete_temp(temp.path)
        raise AnnotatedPdfFailed(f"writing: {exc}") from exc
    return temp.path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def confirmed_annotations(session: Session, version_id: int, revision: int) -> list[Any]:
    """The version's annotations if its set is still at ``revision`` (0: none saved),
    else :class:`AnnotationsChanged`; one read, so the PDF is written from exactly the set
    compared. The release reads it after renewing its claim: a save of the set renews the
    same claim row first (``hold_claim``'s ``UPDATE`` locks it; SQLite has one writer),
    so another tab's save either committed before and is seen here, or waits and then
    finds the claim ended."""
    stored = stored_set(session, version_id)
    if (stored.revision if stored is not None else 0) != revision:
        raise AnnotationsChanged()
    return load(stored.annotations) if stored is not None else []


def release_annotations(
    session: Session,
    storage: Storage,
    feedback_id: int,
    version: SubmissionVersion,
    *,
    revision: int,
    author: str,
    locale: str,
    when: datetime,
) -> str | None:
    """Write, check and store the annotated PDF of ``version`` for the released feedback
    ``feedback_id`` from its set at ``revision`` (the confirmed one; another refuses the
    release); its storage key, or None when that set has no annotations."""
    assert version.id is not None
    annotations = confirmed_annotations(session, version.id, revision)
    if not annotations:
        return None
    path = write_to_temp(storage, version, annotations, author=author, when=when)
    try:
        try:
            check_pdf(path)
        except PdfRejected as exc:
            raise AnnotatedPdfFailed(f"our PDF check: {exc.code} {exc.reason}") from exc
        key = storage.commit(path, _sha256(path))
    finally:
        storage.delete_temp(path)  # committed: it has left the temp folder already
    session.execute(
        update(_feedback)
        .where(_feedback.c.id == feedback_id)
        .values(annotated_key=key, annotated_name=annotated_name(version.display_name, locale))
    )
    return key


@dataclass(frozen=True)
class Preview:
    path: Path  # a temp file of the storage: the caller deletes it
    filename: str


def preview(
    session: Session,
    principal: Principal,
    submission_id: int,
    storage: Storage,
    *,
    revision: int | None = None,
) -> Preview:
    """The latest version's PDF with the current set, as the release would write it (not
    checked, not stored); for the course's staff. With ``revision`` (the confirmed one)
    a set that is no longer at it is refused (:class:`AnnotationsChanged`) before
    anything is written."""
    submission = submission_for_staff(session, principal, submission_id)
    version = latest_version(session, submission)
    assert version.id is not None
    stored = stored_set(session, version.id)
    if revision is not None and revision != (stored.revision if stored is not None else 0):
        raise AnnotationsChanged()
    annotations = load(stored.annotations) if stored is not None else []
    author = display_name(principal.name, principal.user_id)
    path = write_to_temp(storage, version, annotations, author=author, when=utcnow())
    return Preview(path, annotated_name(version.display_name, principal.locale))
