"""The proofs of presence a check-in, a presence ping or a check-out carries: the position in the
fence, the venue's sign-in code and the identity provider's face assertion. A failing code or face
is marked as a counted attempt (services.attempts) and its face assertion is spent."""

from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import Session

from yilian.relay.config import Settings
from yilian.relay.db.models import Activity, SpentFaceNonce, Volunteer, table_of
from yilian.relay.services.attempts import Attempt
from yilian.relay.services.errors import Conflict
from yilian.relay.verification import (
    CheckInRejected,
    FaceAssertion,
    check_code,
    check_face,
    check_inside,
)


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    accuracy_m: float


def check_location(activity: Activity, location: Location, settings: Settings) -> None:
    """Inside the activity's fence, accuracy considered (raises OutsideGeofence & co.)."""
    check_inside(
        activity.latitude, activity.longitude, activity.radius_m,
        location.latitude, location.longitude, location.accuracy_m,
        max_accuracy_m=settings.max_location_accuracy_m,
    )  # fmt: skip


def require_unused_face(db: Session, face: FaceAssertion) -> None:
    refuse_spent_face(db.get(SpentFaceNonce, face.nonce) is not None)


def refuse_spent_face(spent: bool) -> None:
    if spent:
        raise Conflict("this face assertion was already used", code="face_assertion_reused")


def spend_face(db: Session, face: FaceAssertion, purpose: str, at: int) -> None:
    db.execute(_SPEND, {"nonce": face.nonce, "purpose": purpose, "spent_at": at})


_SPEND = insert(table_of(SpentFaceNonce))  # a Core INSERT, built once: every check-in spends a face


def verify_code(
    settings: Settings, activity: Activity, volunteer: Volunteer, code: str, face: FaceAssertion, at: int
) -> None:
    """The venue's code at `at`; a wrong one is a counted attempt that spends `face`."""
    try:
        check_code(activity.signin_secret, code, at, settings.signin_period_s)
    except CheckInRejected as error:
        error.attempt = Attempt(volunteer.id, activity.id, "code", face.nonce)  # type: ignore[attr-defined]
        raise


def verify_face(settings: Settings, activity: Activity, volunteer: Volunteer, face: FaceAssertion, at: int) -> None:
    """A fresh, confident match of this volunteer; a failure is a counted attempt."""
    try:
        check_face(
            face, volunteer=volunteer.address, provider_address=settings.face_provider,
            now=at, max_age_s=settings.face_max_age_s, min_score=settings.face_min_score,
        )  # fmt: skip
    except CheckInRejected as error:
        error.attempt = Attempt(volunteer.id, activity.id, "face", face.nonce)  # type: ignore[attr-defined]
        raise
