"""Request and response bodies of the API."""

from pydantic import BaseModel, ConfigDict, Field

from yilian.relay.verification import FaceAssertion


class IdentityIn(BaseModel):
    real_name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(min_length=4, max_length=40)


class VolunteerIn(BaseModel):
    app_user_id: str = Field(min_length=1, max_length=100)
    address: str | None = Field(None, description="The volunteer's own wallet; omit for a relay-held key")
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
    yicoin_balance: int | None = Field(None, description="益币 base units (2 decimals)")


class SuspendIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


class OrganisationIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class OrganisationOut(BaseModel):
    id: int
    name: str
    profile_hash: str


class GeofenceIn(BaseModel):
    latitude: float
    longitude: float
    radius_m: float = Field(gt=0)


class ActivityIn(BaseModel):
    organisation_id: int
    name: str = Field(min_length=1, max_length=200)
    category: int = Field(0, ge=0, le=65535)
    starts_at: int
    ends_at: int
    geofence: GeofenceIn
    minute_cap: int = Field(gt=0, le=2**32 - 1)
    points_per_hour: int = Field(ge=0, le=65535)


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
    latitude: float
    longitude: float
    accuracy_m: float


class CheckInIn(BaseModel):
    app_user_id: str
    location: LocationIn
    signin_code: str = Field(min_length=1, max_length=12)
    face_assertion: FaceAssertion
    client_time: int | None = None


class CheckInOut(BaseModel):
    id: str
    activity_id: int
    app_user_id: str
    session: int
    checked_in_at: int
    status: str


class CheckOutIn(BaseModel):
    app_user_id: str
    location: LocationIn
    client_time: int | None = None


class AttestationOut(BaseModel):
    """Built from the database row itself (`AttestationOut.model_validate(row)`)."""

    model_config = ConfigDict(from_attributes=True)

    uid: str
    volunteer: str = Field(validation_alias="volunteer_address")
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
