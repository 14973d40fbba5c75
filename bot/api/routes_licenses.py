"""HTTP routes of the licence engine. Mount with `app.include_router(build_license_router(advisor))`.

Every bad licence name — unknown ids, licence families where one licence is needed, nonsense, invalid
expressions — is a 422 `{"detail": {"message": ..., "suggestions": [...]}}`; never a guess, never a 500.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from bot.errors import LicenseError
from bot.ports import LicenseAdvisor
from bot.types import MAX_QUESTION_CHARS, IdentifyResult, LicenseCheck, LicenseInfo

MAX_IDENTIFY_CHARS = 400_000


class IdentifyRequest(BaseModel):
    text: str = Field(..., max_length=MAX_IDENTIFY_CHARS, description="The pasted LICENSE text.")


def _error(e: LicenseError) -> HTTPException:
    return HTTPException(status_code=422, detail={"message": str(e), "suggestions": list(e.suggestions)})


def build_license_router(engine: LicenseAdvisor, *, max_identify_bytes: int = 3 * 1024 * 1024) -> APIRouter:
    """`max_identify_bytes`: pasted LICENSE texts may be larger than other request bodies."""
    router = APIRouter(prefix="/api/licenses", tags=["licenses"])

    @router.get("/compatibility", response_model=LicenseCheck)
    def compatibility(
        inbound: str = Query(
            ...,
            max_length=MAX_QUESTION_CHARS,
            description="Licence of the code being used: SPDX id, expression, common name or licence family "
            "(e.g. LGPL: answered for each common version, see `versions`)",
        ),
        outbound: str = Query(..., max_length=MAX_QUESTION_CHARS, description="Licence of your project, or 'proprietary'"),
        use: str | None = Query(None, description="binary | saas | static | dynamic"),
    ) -> LicenseCheck:
        try:
            return engine.check(inbound, outbound, use)
        except LicenseError as e:
            raise _error(e) from None

    @router.post("/identify", response_model=IdentifyResult, max_body_size=max_identify_bytes)
    def identify(body: IdentifyRequest) -> IdentifyResult:
        return engine.identify(body.text)

    @router.get("/{license_id:path}", response_model=LicenseInfo,
                responses={422: {"description": "Unknown licence or a licence family: message and suggestions"}})
    def describe(license_id: str) -> LicenseInfo:
        try:
            return engine.describe(license_id)
        except LicenseError as e:
            raise _error(e) from None

    return router
