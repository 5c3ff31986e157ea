"""Request and response bodies of needs, resource profiles and matching."""

from typing import Annotated

from pydantic import BaseModel, Field

from yilian.relay.api.types import ChainId, Latitude, Longitude, UnixTime
from yilian.relay.api.types import SkillCode as Skill

Unix = UnixTime


class SkillIn(BaseModel):
    skill: Skill
    certified_until: Unix | None = Field(None, description="The certificate's expiry; null: no certificate needed")


class WindowIn(BaseModel):
    start_minute: int = Field(ge=0, lt=10_080, description="Minute of the week, Monday 00:00 CST = 0")
    end_minute: int = Field(ge=1, le=10_080)


class ProfileIn(BaseModel):
    latitude: Latitude
    longitude: Longitude
    travel_radius_m: float = Field(
        ge=1, le=10_000, allow_inf_nan=False, description="How far the volunteer will go, metres (≤ 10 km)"
    )
    languages: list[Annotated[str, Field(min_length=2, max_length=10)]] = Field(default_factory=list, max_length=10)
    skills: list[SkillIn] = Field(default_factory=list, max_length=30)
    availability: list[WindowIn] = Field(default_factory=list, max_length=50)


class NeedIn(BaseModel):
    organisation_id: ChainId
    title: str = Field(min_length=1, max_length=200, description="What is needed; never who needs it (no names)")
    category: int = Field(0, ge=0, le=65535)
    skills: list[Skill] = Field(default_factory=list, max_length=10, description="Every one is required")
    language: str | None = Field(None, min_length=2, max_length=10)
    latitude: Latitude
    longitude: Longitude
    starts_at: Unix
    ends_at: Unix
    head_count: int = Field(ge=1, le=500)


class AssignedOut(BaseModel):
    app_user_id: str
    score: float


class NeedOut(BaseModel):
    id: int
    organisation_id: int
    title: str
    category: int
    skills: list[str]
    language: str | None
    latitude: float
    longitude: float
    starts_at: int
    ends_at: int
    head_count: int
    status: str = Field(description="open, or filled (then `activity_id` is where the hours are served)")
    activity_id: int | None
    assigned: list[AssignedOut]


class ProposalOut(BaseModel):
    app_user_id: str
    score: float = Field(description="0.4 nearness + 0.4 availability + 0.2 reliability")
    distance_m: float
    reasons: list[str]


class NeedProposalOut(BaseModel):
    need: NeedOut
    score: float
    reasons: list[str]


class FillIn(BaseModel):
    points_per_hour: int = Field(10, ge=0, le=65535, description="Of the activity the filled need becomes")
