"""Course routes: filled in by the course content work."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
