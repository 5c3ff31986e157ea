"""Request and response bodies of the API."""

from pydantic import BaseModel, ConfigDict, Field

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
    SkillCode,
    Uint16,
    UnixTime,
)
from yilian.relay.verification import FaceAssertion


class IdentityIn(BaseModel):
    real_name: str = Field(min_length=1, max_length=100, description="NFKC-normalised; hidden characters refused")
    id_number: str = Field(min_length=4, max_length=40, description="NFKC, upper-cased; letters and digits only")


class VolunteerIn(BaseModel):
    app_user_id: AppUserId = Field(
        description="NFKC-normalised; spaces, control, format and zero-width characters refused"
    )
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
    points_per_hour: Uint16 = Field(description="益币 per hour of service (whole 益币), up to the registry's ceiling")
    face_at_check_out: bool = Field(False, description="Check-out needs a fresh face assertion too")
    skills: list[SkillCode] = Field(default_factory=list, max_length=10, description="Skills the activity needs")


class SkillsIn(BaseModel):
    skills: list[SkillCode] = Field(max_length=10, description="Skills the activity needs; [] for none")


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
    face_at_check_out: bool
    status: str
    skills: list[str] = Field(description="Skills the activity needs (codes)")


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
    client_time: UnixTime | None = Field(
        None,
        description="When the app read the code and face (unix s); may be earlier than the relay's receipt "
        "by at most max_client_backdate_s. The session starts at the relay's receipt regardless.",
    )


class CheckInOut(BaseModel):
    id: str
    activity_id: int
    app_user_id: str
    session: int
    checked_in_at: int = Field(description="Effective start: the relay's receipt, never before the previous check-out")
    check_in_received_at: int = Field(description="The relay's clock when it received the check-in")
    last_presence_at: int = Field(description="Check-in or the last verified in-fence presence ping")
    checked_out_at: int | None = Field(None, description="Effective end, never later than the relay's receipt")
    check_out_received_at: int | None = None
    closed_by: str | None = Field(None, description="check_out, last_presence or relay (closed after the end)")
    status: str


class CheckOutIn(BaseModel):
    app_user_id: AppUserId
    location: LocationIn | None = Field(None, description="Required unless left_at_last_presence; inside the fence")
    face_assertion: FaceAssertion | None = Field(None, description="Required where the activity has face_at_check_out")
    left_at_last_presence: bool = Field(
        False, description="The volunteer left: end the session at the last verified presence, never later"
    )
    client_time: UnixTime | None = Field(
        None, description="An offline app's check-out time: only earlier than receipt, by max_client_backdate_s at most"
    )


class PresenceIn(BaseModel):
    app_user_id: AppUserId
    location: LocationIn


class LockoutOut(BaseModel):
    app_user_id: str
    failures: int = Field(description="Unlifted failed codes and face checks at this activity in the window")
    retry_after: int = Field(description="Seconds until the volunteer may try again; 0: not locked out")


class LiftIn(BaseModel):
    app_user_id: AppUserId | None = Field(None, description="Lift one volunteer's failures; omit for everyone's")


class LiftOut(BaseModel):
    lifted: int


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
