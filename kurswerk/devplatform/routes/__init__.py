"""The LMS simulator's pages and endpoints, one module per group, assembled into the one
router that ``kurswerk.devplatform.app`` includes."""

from __future__ import annotations

from fastapi import APIRouter

from kurswerk.devplatform.routes import admin, advantage, endpoints, launch, mails

router = APIRouter()
for module in (launch, admin, mails, endpoints, advantage):
    router.include_router(module.router)
