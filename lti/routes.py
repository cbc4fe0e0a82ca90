"""LTI routes (login, launch, JWKS): filled in by the LTI launch work."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
