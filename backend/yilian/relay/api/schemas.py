"""Request and response bodies of the API."""

from pydantic import BaseModel, Field

from yilian.relay.api.types import (
    AccuracyM,
    AddressText,
    AppUserId,
    ChainId,
    Latitude,
    Longitude,
    Minutes,
    Name,
    RadiusM,
    Reason,
    Uint16,
    UnixTime,
)
from yilian.relay.verification import FaceAssertion


class IdentityIn(BaseModel):
    real_name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(min_length=4, max_length=40)


class VolunteerIn(BaseModel):
    app_user_id: AppUserId
    address: AddressText | None = Field(None, description="The volunteer's own wallet; omit for a relay-held key")
    identity: IdentityIn


class VolunteerOut(BaseModel):
    app_user_id: str
    address: str
    custodial: bool
    status: str
    real_name: str
    id_number_masked: str
    identity_hash: str
    chain_tx: str | None = None
    minutes_served: int | None = None
    yicoin_balance: int | None = Field(None, description="益币 in 0.01 units (2 decimals): 150 = 1.50 益币")


class SuspendIn(BaseModel):
    reason: Reason


class OrganisationIn(BaseModel):
    name: Name


class OrganisationOut(BaseModel):
    id: int
    name: str
    profile_hash: str


class GeofenceIn(BaseModel):
    latitude: Latitude
    longitude: Longitude
    radius_m: RadiusM


class ActivityIn(BaseModel):
    organisation_id: ChainId
    name: Name
    category: Uint16 = 0
    starts_at: UnixTime
    ends_at: UnixTime
    geofence: GeofenceIn
    minute_cap: Minutes = Field(description="Most minutes one volunteer can be credited in this activity")
    points_per_hour: Uint16 = Field(description="益币 per hour of service (whole 益币)")


class ActivityOut(BaseModel):
    id: int
    organisation_id: int
    name: str
    category: int
    starts_at: int
    ends_at: int
    geofence: GeofenceIn
    minute_cap: int
    points_per_hour: int
    status: str


class SigninCodeOut(BaseModel):
    code: str
    valid_until: int


class LocationIn(BaseModel):
    latitude: Latitude
    longitude: Longitude
    accuracy_m: AccuracyM


class CheckInIn(BaseModel):
    app_user_id: AppUserId
    location: LocationIn
    signin_code: str = Field(min_length=1, max_length=12)
    face_assertion: FaceAssertion
    client_time: UnixTime | None = Field(None, description="The device's clock at the event (trusted within ±300 s)")


class CheckInOut(BaseModel):
    id: str
    activity_id: int
    app_user_id: str
    session: int
    checked_in_at: int
    status: str


class CheckOutIn(BaseModel):
    app_user_id: AppUserId
    location: LocationIn
    client_time: UnixTime | None = Field(None, description="The device's clock at the event (trusted within ±300 s)")


class AttestationOut(BaseModel):
    uid: str
    volunteer: str
    activity_id: int
    session: int
    check_in: int
    check_out: int
    minutes: int
    evidence_hash: str
    status: str
    rejection: str | None
    tx_hash: str | None
    block_number: int | None


class CheckOutOut(BaseModel):
    check_in: CheckInOut
    minutes: int
    attestation: AttestationOut | None
