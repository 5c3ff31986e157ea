"""Pure check-in verification rules of the relay (no database, HTTP or chain).

Every rule raises a subclass of ``CheckInRejected`` with a stable ``code``; see each module.
"""

from yilian.relay.verification.errors import CheckInRejected
from yilian.relay.verification.face import (
    FaceAssertion,
    FaceAssertionStale,
    FaceScoreTooLow,
    FaceSignatureInvalid,
    FaceVolunteerMismatch,
    FakeFaceProvider,
    check_face,
)
from yilian.relay.verification.geofence import (
    CheckOutOutsideGeofence,
    InvalidLocation,
    LocationInaccurate,
    OutsideGeofence,
    check_inside,
    distance_m,
)
from yilian.relay.verification.service_time import (
    CheckOutBeforeCheckIn,
    NoServiceTime,
    service_minutes,
)
from yilian.relay.verification.signin_code import (
    SigninCodeInvalid,
    check_code,
    code_at,
    current_code,
    new_secret,
)
from yilian.relay.verification.timing import ActivityNotOpen, ClockSkew, check_activity_open, device_time

__all__ = [
    "ActivityNotOpen",
    "CheckInRejected",
    "CheckOutBeforeCheckIn",
    "CheckOutOutsideGeofence",
    "ClockSkew",
    "FaceAssertion",
    "FaceAssertionStale",
    "FaceScoreTooLow",
    "FaceSignatureInvalid",
    "FaceVolunteerMismatch",
    "FakeFaceProvider",
    "InvalidLocation",
    "LocationInaccurate",
    "NoServiceTime",
    "OutsideGeofence",
    "SigninCodeInvalid",
    "check_activity_open",
    "check_code",
    "check_face",
    "check_inside",
    "code_at",
    "current_code",
    "device_time",
    "distance_m",
    "new_secret",
    "service_minutes",
]
