"""``/lti/jwks``: the tool's public key set, for platforms to verify the tool's JWTs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lti.runtime import runtime_of

router = APIRouter()


@router.get("/jwks", name="lti_jwks")
def jwks(request: Request) -> Response:
    """The tool's public key set (public parts only), for platforms to verify our JWTs."""
    return Response(
        runtime_of(request).jwks_body(),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=300"},
    )
