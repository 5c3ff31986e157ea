"""Request and response bodies of correction requests."""

import json
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from yilian.relay.api.types import ChainId, UnixTime
from yilian.relay.corrections.models import Correction

Unix = UnixTime
Status = Literal["submitted", "awaiting_auditor", "approved", "applied", "rejected", "expired"]


class CorrectionIn(BaseModel):
    app_user_id: str = Field(min_length=1, max_length=100)
    check_in_id: str | None = Field(None, max_length=36, description="The session to correct…")
    activity_id: ChainId | None = Field(None, description="…or the activity of a missing session")
    check_in: Unix
    check_out: Unix
    reason: str = Field(min_length=1, max_length=500)
    evidence: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        max_length=10, description="Hashes or links of photos, the organiser's roster, messages"
    )


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


class CorrectionOut(BaseModel):
    id: int
    app_user_id: str
    activity_id: int
    check_in_id: str | None = Field(description="The session corrected; null: a missing session added")
    check_in: int
    check_out: int
    reason: str
    evidence: list[str]
    status: Status
    decide_by: int = Field(description="The organisation decides by then, or the request expires")
    decision_reason: str | None
    decided_at: int | None
    confirmed_at: int | None = Field(description="The auditor's decision, for corrections that raise hours")
    old_minutes: int
    new_minutes: int | None
    revoked_uid: str | None = Field(description="The replaced session's attestation, revoked on chain")
    new_uid: str | None = Field(description="The corrected session's attestation: follow it at /v1/attestations")
    created_at: int

    @classmethod
    def of(cls, row: Correction, status: str) -> "CorrectionOut":
        fields = {name: getattr(row, name) for name in cls.model_fields if hasattr(row, name)}
        evidence = json.loads(row.evidence)["evidence"]
        return cls(**fields | {"app_user_id": row.volunteer.app_user_id, "status": status, "evidence": evidence})
