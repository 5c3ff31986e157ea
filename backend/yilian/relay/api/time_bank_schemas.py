"""Request and response bodies of the time-bank API."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from yilian.relay.api.types import UnixTime
from yilian.relay.verification import FaceAssertion

MoveKind = Literal["FamilyConsent", "FamilyGift", "PoolDonation", "ServiceRequest"]
ApproveWith = Literal["signature", "face_assertion"]
AppUserId = Field(None, min_length=1, max_length=100)


class MoveTerms(BaseModel):
    """What the move is about; which fields a kind needs: FamilyConsent `relative`; FamilyGift
    `to` and `minutes`; PoolDonation `minutes`; ServiceRequest `activity_id` (a time-bank service
    activity, category 255)."""

    model_config = ConfigDict(extra="forbid")

    relative: str | None = AppUserId
    to: str | None = AppUserId
    minutes: int | None = Field(None, ge=1, le=2**32 - 1, description="Credit minutes (60 = one hour)")
    activity_id: int | None = Field(None, ge=1, le=2**63 - 1)


class MoveIn(BaseModel):
    kind: MoveKind
    terms: MoveTerms
    valid_for_s: int = Field(600, ge=30, le=86_400, description="How long the holder has to approve")


class MoveOut(BaseModel):
    kind: MoveKind
    deadline: int
    typed_data: dict[str, Any] = Field(description="EIP-712 message; a self-custody wallet signs it (signTypedData v4)")
    digest: str = Field(description="For a relay-held key: the nonce the identity provider's face assertion must carry")
    approve_with: ApproveWith


class ApprovedMoveIn(BaseModel):
    kind: MoveKind
    terms: MoveTerms
    deadline: UnixTime = Field(description="The deadline of the prepared move")
    signature: str | None = Field(None, pattern=r"^0x[0-9a-fA-F]{130}$")
    face_assertion: FaceAssertion | None = None


class MoveDone(BaseModel):
    tx_hash: str
    credit_minutes: int


class FamilyLinkIn(BaseModel):
    app_user_id: str = Field(min_length=1, max_length=100)
    relative: str = Field(min_length=1, max_length=100)


class FamilyLinkOut(BaseModel):
    tx_hash: str
    linked: bool = Field(description="True once both relatives consented and the organisation confirmed")


class CreditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    minutes: int = Field(description="Signed: credit minutes in (+) or out (−)")
    uid: str | None = Field(description="The session that earned or was served with these minutes")
    counterparty: str | None
    block: int
    log_index: int
    tx_hash: str


class TimeCreditsOut(BaseModel):
    app_user_id: str
    address: str
    credit_minutes: int
    pool_minutes: int
    items: list[CreditEntryOut]
    next_cursor: str | None = None


class TimeBankStatsOut(BaseModel):
    earned_minutes: int
    to_pool_at_cap_minutes: int
    service_paid_minutes: int
    service_paid_by_pool_minutes: int
    unfunded_minutes: int
    revoked_minutes: int
    moved_minutes: int
    pool_minutes: int
    sessions_banked: int
    services_delivered: int
