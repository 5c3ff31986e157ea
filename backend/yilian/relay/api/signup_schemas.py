"""Request and response bodies of sign-up (报名)."""

from typing import Literal

from pydantic import BaseModel, Field

from yilian.relay.api.types import UnixTime

Status = Literal["pending", "approved", "waitlisted", "rejected", "cancelled", "no_show"]


class SignupTermsIn(BaseModel):
    places: int | None = Field(None, ge=1, le=100_000, description="Null: unlimited")
    deadline: UnixTime | None = Field(None, description="Unix seconds; null: until the activity ends")
    mode: Literal["open", "reviewed"] = Field(
        "open", description="open: first come, first served; reviewed: the organiser approves each sign-up"
    )
    requires_signup: bool = Field(True, description="Check-in refused (`not_signed_up`) without an approved sign-up")


class SignupIn(BaseModel):
    app_user_id: str = Field(min_length=1, max_length=100)
    waitlist: bool = Field(True, description="Open mode, when full: join the waiting list (else 409 `activity_full`)")


class VolunteerRef(BaseModel):
    app_user_id: str = Field(min_length=1, max_length=100)


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


class SignupOut(BaseModel):
    id: int
    activity_id: int
    app_user_id: str
    status: Status
    reason: str | None = Field(description="The organiser's, on rejection")
    created_at: int
    decided_at: int | None
