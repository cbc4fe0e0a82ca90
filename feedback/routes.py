"""HTTP routes of the feedback domain (tutor queue, feedback, release)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI

from kurswerk.templating import add_template_folder

router = APIRouter()


def install(app: FastAPI) -> None:
    add_template_folder(Path(__file__).parent / "templates")
