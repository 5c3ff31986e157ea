"""Response bodies of the discover lists."""

from typing import Literal

from pydantic import BaseModel, Field

from yilian.relay.api.schemas import ActivityOut, AttestationOut, CheckInOut

SignupMode = Literal["open", "reviewed"]


class SignupTermsOut(BaseModel):
    places: int | None = Field(description="Null: unlimited")
    places_taken: int
    deadline: int | None = Field(description="Unix seconds; null: until the activity ends")
    mode: SignupMode
    requires_signup: bool


class FoundActivityOut(BaseModel):
    activity: ActivityOut
    signup: SignupTermsOut | None = Field(description="Null: anyone may come, no sign-up")
    free_places: int | None = Field(description="Null: unlimited")
    distance_m: float | None = Field(description="From the point searched near; null without one")


class MerchantListedOut(BaseModel):
    address: str
    kind: str
    status: str
    profile_hash: str


class LiveOfferOut(BaseModel):
    offer_id: int
    merchant: str
    price: int = Field(description="Per item, in 益币 base units (2 decimals)")
    stock: int
    valid_from: int
    valid_until: int
    metadata_hash: str


class ReplacementOut(BaseModel):
    correction_id: int
    uid: str | None = Field(description="The corrected session's attestation")
    session: int | None = Field(description="The corrected session's number in the activity")


class SessionOut(BaseModel):
    check_in: CheckInOut
    checked_out_at: int | None
    minutes: int = Field(description="Attested minutes; 0 while open or when nothing counted")
    state: str = Field(
        description="What the hours are now: the attestation's state (pending … confirmed, rejected); "
        "`revoked` when a correction replaced the session (see `replaced_by`); without an attestation, "
        "the check-in's (open, closed)"
    )
    replaced_by: ReplacementOut | None = Field(description="The correction that revoked this session, and its session")
    attestation: AttestationOut | None = Field(description="As submitted: pending … confirmed, or rejected")


class BalanceChangeOut(BaseModel):
    block_number: int
    tx_hash: str
    kind: Literal["earned", "spent", "burned", "received"]
    amount: int = Field(description="益币 base units: positive in, negative out")
    counterparty: str
