"""Check-in, presence and check-out: every rule of the relay verified before anything is signed.

Time is what the relay observed: a session starts when the relay accepts the check-in (never
before the volunteer's previous check-out, so one volunteer's sessions never overlap, across all
activities) and ends no later than the relay's receipt of the check-out; a device time may only
date an event earlier, by at most `max_client_backdate_s` (an app that was offline). Both the
relay's receipt times and the effective times are stored.

Presence at both ends: a check-out is verified like a check-in (inside the fence, accuracy
considered; a fresh face assertion where the activity asks for it). A volunteer who left ends the
session at the last verified presence (check-in or in-fence presence ping), never later.
"""

import uuid
from dataclasses import asdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yilian.chain.protocol import MAX_SESSIONS
from yilian.records.evidence import canonical
from yilian.relay.config import Settings
from yilian.relay.db.models import Activity, Attestation, CheckIn, PresencePing, Volunteer
from yilian.relay.services import attempts, proofs
from yilian.relay.services.activities import get_activity
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.closing import close_session, last_presence
from yilian.relay.services.errors import Conflict, Forbidden, NotFound, Unprocessable
from yilian.relay.services.proofs import Location
from yilian.relay.services.volunteers import get_volunteer
from yilian.relay.signup.service import require_signed_up
from yilian.relay.verification import (
    CheckOutOutsideGeofence,
    FaceAssertion,
    OutsideGeofence,
    check_activity_open,
    device_time,
)

__all__ = ["MAX_SESSIONS", "Location", "check_in", "check_out", "record_presence"]


def check_in(
    db: Session, settings: Settings, *, activity_id: int, app_user_id: str, location: Location,
    signin_code: str, face: FaceAssertion, received_at: int, client_time: int | None, api_key_id: int,
) -> CheckIn:  # fmt: skip
    """`received_at`: the relay's clock; `client_time` only dates the code and face read earlier."""
    volunteer = _active_volunteer(db, app_user_id)
    activity = _open_activity(db, activity_id)
    require_signed_up(db=db, activity_id=activity.id, volunteer_id=volunteer.id)
    attempts.require_not_locked(
        db, settings, volunteer_id=volunteer.id, activity_id=activity.id, api_key_id=api_key_id, now=received_at
    )
    seen_at = _device_time(settings, received_at, client_time)
    check_activity_open(activity.starts_at, activity.ends_at, seen_at, settings.checkin_tolerance_s)
    proofs.check_location(activity, location, settings)
    proofs.require_unused_face(db, face)
    proofs.verify_code(settings, activity, volunteer, signin_code, face, seen_at)
    proofs.verify_face(settings, activity, volunteer, face, seen_at)
    _require_no_open_check_in(db, volunteer)
    starts_at = max(received_at, _previous_check_out(db, volunteer))
    visit = CheckIn(
        id=str(uuid.uuid4()), volunteer_id=volunteer.id, activity_id=activity.id,
        session=next_session(db, volunteer, activity), checked_in_at=starts_at,
        check_in_received_at=received_at, last_presence_at=starts_at, face_nonce=face.nonce,
        evidence=canonical({
            "check_in": {"at": starts_at, "received_at": received_at, "client_time": client_time, **asdict(location)},
            "face": face.model_dump(),
        }),
        status="open",
    )  # fmt: skip
    proofs.spend_face(db, face, "check_in", received_at)
    db.add(visit)
    db.flush()
    return visit


def record_presence(
    db: Session, settings: Settings, *, check_in_id: str, app_user_id: str, location: Location, received_at: int
) -> CheckIn:
    """An in-fence position during the session, at the relay's receipt time: the session's last
    verified presence moves up to it. Outside the fence: 422 outside_geofence, nothing recorded."""
    visit, _ = _own_open_visit(db, check_in_id, app_user_id)
    proofs.check_location(get_activity(db, visit.activity_id), location, settings)
    db.add(PresencePing(check_in_id=visit.id, at=received_at, **asdict(location)))
    visit.last_presence_at = max(visit.last_presence_at, received_at)
    db.flush()
    return visit


def check_out(
    db: Session, chain: RelayChain, settings: Settings, *, check_in_id: str, app_user_id: str,
    location: Location | None, face: FaceAssertion | None, left_at_last_presence: bool,
    received_at: int, client_time: int | None, api_key_id: int,
) -> tuple[CheckIn, Attestation | None]:  # fmt: skip
    visit, volunteer = _own_open_visit(db, check_in_id, app_user_id)
    activity = get_activity(db, visit.activity_id)
    if face is not None:
        attempts.require_not_locked(
            db, settings, volunteer_id=volunteer.id, activity_id=activity.id, api_key_id=api_key_id, now=received_at
        )
    if left_at_last_presence:
        evidence = last_presence(db, visit)
        attestation = close_session(
            db, chain, visit, activity, ends_at=visit.last_presence_at, received_at=received_at,
            closed_by="last_presence", evidence=evidence,
        )  # fmt: skip
        return visit, attestation
    if location is None:
        raise Unprocessable("a check-out needs the location (or left_at_last_presence)", code="location_required")
    ends_at = _device_time(settings, received_at, client_time)
    _verify_check_out(db, settings, activity, volunteer, location, face, ends_at)
    evidence = {"client_time": client_time, **asdict(location)} | ({"face": face.model_dump()} if face else {})
    attestation = close_session(
        db, chain, visit, activity, ends_at=ends_at, received_at=received_at, closed_by="check_out", evidence=evidence
    )
    return visit, attestation


def _verify_check_out(
    db: Session, settings: Settings, activity: Activity, volunteer: Volunteer, location: Location,
    face: FaceAssertion | None, at: int,
) -> None:  # fmt: skip
    try:
        proofs.check_location(activity, location, settings)
    except OutsideGeofence as error:
        raise CheckOutOutsideGeofence(
            f"{error.message}; a volunteer who left can check out with left_at_last_presence"
        ) from error
    if face is None:
        if activity.face_at_check_out:
            raise Unprocessable("this activity asks for a face assertion at check-out", code="face_assertion_required")
        return
    proofs.require_unused_face(db, face)
    proofs.verify_face(settings, activity, volunteer, face, at)
    proofs.spend_face(db, face, "check_out", at)


def _device_time(settings: Settings, received_at: int, client_time: int | None) -> int:
    return device_time(
        received_at, client_time, max_skew_s=settings.max_client_clock_skew_s,
        max_backdate_s=settings.max_client_backdate_s,
    )  # fmt: skip


def _own_open_visit(db: Session, check_in_id: str, app_user_id: str) -> tuple[CheckIn, Volunteer]:
    visit = db.get(CheckIn, check_in_id)
    volunteer = get_volunteer(db, app_user_id)
    if visit is None or visit.volunteer_id != volunteer.id:
        raise NotFound(f"no check-in {check_in_id} for this volunteer", code="check_in_not_found")
    if visit.status != "open":
        raise Conflict(f"check-in {check_in_id} is already checked out", code="check_in_closed")
    return visit, volunteer


def _active_volunteer(db: Session, app_user_id: str) -> Volunteer:
    volunteer = get_volunteer(db, app_user_id)
    if volunteer.status != "active":
        raise Forbidden(f"volunteer {app_user_id!r} is suspended", code="volunteer_suspended")
    return volunteer


def _open_activity(db: Session, activity_id: int) -> Activity:
    activity = get_activity(db, activity_id)
    if activity.status != "open":
        raise Conflict(f"activity {activity_id} is closed", code="activity_closed")
    return activity


def _require_no_open_check_in(db: Session, volunteer: Volunteer) -> None:
    if db.scalar(select(CheckIn.id).where(CheckIn.volunteer_id == volunteer.id, CheckIn.status == "open")):
        raise Conflict("the volunteer is still checked in elsewhere", code="check_in_already_open")


def _previous_check_out(db: Session, volunteer: Volunteer) -> int:
    """The end of the volunteer's latest session anywhere: the next one cannot start before it."""
    latest = select(func.max(CheckIn.checked_out_at)).where(CheckIn.volunteer_id == volunteer.id)
    return db.scalar(latest) or 0


def next_session(db: Session, volunteer: Volunteer, activity: Activity) -> int:
    count = db.execute(
        select(func.count()).where(CheckIn.volunteer_id == volunteer.id, CheckIn.activity_id == activity.id)
    ).scalar_one()
    if count >= MAX_SESSIONS:
        raise Unprocessable(f"at most {MAX_SESSIONS} sessions per activity", code="session_limit_reached")
    return count
