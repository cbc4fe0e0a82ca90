"""Fixtures of the workbench tests: a claimed submission, and versions with a PDF of
one's own (pages, boxes, rotation)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

import pikepdf
import pytest
from sqlmodel import Session, select

from kurswerk.core.files.storage import LocalStorage
from tests.feedback.helpers import claim
from uploads.models import Submission, SubmissionVersion


def pdf_of(pages: list[dict[str, object]]) -> bytes:
    """A PDF with one page per entry: ``{"media": [...], "crop": [...], "rotate": 90}``
    (all optional), each page with a line of text."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                           BaseFont=pikepdf.Name.Helvetica)
    )  # fmt: skip
    for number, spec in enumerate(pages, start=1):
        page = pdf.add_blank_page(page_size=(595, 842))
        if "media" in spec:
            page.obj.MediaBox = pikepdf.Array(spec["media"])
        if "crop" in spec:
            page.obj.CropBox = pikepdf.Array(spec["crop"])
        if "rotate" in spec:
            page.obj.Rotate = spec["rotate"]
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 700 Td (Seite %d) Tj ET" % number)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


UsePdf = Callable[[Submission, bytes], SubmissionVersion]


@pytest.fixture
def use_pdf(db: Session, storage: LocalStorage) -> UsePdf:
    """Make ``data`` the latest version's PDF of a submission (as if it had been sent)."""

    def use(submission: Submission, data: bytes) -> SubmissionVersion:
        temp = storage.put_temp()
        temp.file.write(data)
        temp.file.close()
        sha = hashlib.sha256(data).hexdigest()
        key = storage.commit(temp.path, sha)
        db.expire_all()
        version = db.exec(
            select(SubmissionVersion).where(
                SubmissionVersion.submission_id == submission.id,
                SubmissionVersion.number == submission.latest_version,
            )
        ).one()
        with pikepdf.open(io.BytesIO(data)) as pdf:
            version.pages = len(pdf.pages)
        version.file_key, version.sha256, version.size = key, sha, len(data)
        db.add(version)
        db.commit()
        return version

    return use


@pytest.fixture
def claimed(web, world, make_submission) -> Submission:
    """A submission of Lena's that Tilda has claimed."""
    submission = make_submission(world.learner)
    assert claim(web, world.tutor, submission.id).status_code == 303
    return submission
