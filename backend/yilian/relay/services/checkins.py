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

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from yilian.chain.protocol import MAX_SESSIONS
from yilian.records.evidence import canonical
from yilian.relay.config import Settings
from yilian.relay.db.models import Activity, Attestation, CheckIn, PresencePing, Volunteer, table_of
from yilian.relay.services import attempts, checkin_facts, identifiers, proofs
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.closing import close_session, last_presence, minutes_recorded_column
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
    facts = checkin_facts.read(
        db, settings, app_user_id=identifiers.app_user_id(app_user_id), activity_id=activity_id,
        api_key_id=api_key_id, face_nonce=face.nonce, now=received_at,
    )  # fmt: skip
    if facts is None:  # the volunteer or the activity is unknown: what concerns the volunteer comes first
        _require_active(get_volunteer(db, app_user_id))
        raise NotFound(f"no activity {activity_id}", code="activity_not_found")
    volunteer, activity = _require_active(facts.volunteer), _require_open(facts.activity)
    require_signed_up(activity.id, required=facts.signup_required, approved=facts.signed_up)
    attempts.raise_if_locked(settings, facts.limit_times, received_at)
    seen_at = _device_time(settings, received_at, client_time)
    check_activity_open(activity.starts_at, activity.ends_at, seen_at, settings.checkin_tolerance_s)
    proofs.check_location(activity, location, settings)
    proofs.refuse_spent_face(facts.face_spent)
    proofs.verify_code(settings, activity, volunteer, signin_code, face, seen_at)
    proofs.verify_face(settings, activity, volunteer, face, seen_at)
    if facts.open_check_in:
        raise Conflict("the volunteer is still checked in elsewhere", code="check_in_already_open")
    session_number = _session_number(facts.sessions_here)
    starts_at = max(received_at, facts.previous_check_out)
    values = dict(
        id=str(uuid.uuid4()), volunteer_id=volunteer.id, activity_id=activity.id,
        session=session_number, checked_in_at=starts_at, checked_out_at=None,
        check_in_received_at=received_at, check_out_received_at=None, last_presence_at=starts_at,
        closed_by=None, face_nonce=face.nonce,
        evidence=canonical({
            "check_in": {"at": starts_at, "received_at": received_at, "client_time": client_time, **asdict(location)},
            "face": face.model_dump(),
        }),
        status="open",
    )  # fmt: skip
    proofs.spend_face(db, face, "check_in", received_at)
    db.execute(_INSERT_CHECK_IN, values)  # a plain INSERT: no unit of work to flush for one new row
    return CheckIn(**values)


_INSERT_CHECK_IN = insert(table_of(CheckIn))


def record_presence(
    db: Session, settings: Settings, *, check_in_id: str, app_user_id: str, location: Location, received_at: int
) -> CheckIn:
    """An in-fence position during the session, at the relay's receipt time: the session's last
    verified presence moves up to it. Outside the fence: 422 outside_geofence, nothing recorded."""
    visit, _, activity, _ = _own_open_visit(db, check_in_id, app_user_id)
    proofs.check_location(activity, location, settings)
    db.add(PresencePing(check_in_id=visit.id, at=received_at, **asdict(location)))
    visit.last_presence_at = max(visit.last_presence_at, received_at)
    db.flush()
    return visit


def check_out(
    db: Session, chain: RelayChain, settings: Settings, *, check_in_id: str, app_user_id: str,
    location: Location | None, face: FaceAssertion | None, left_at_last_presence: bool,
    received_at: int, client_time: int | None, api_key_id: int,
) -> tuple[CheckIn, Attestation | None]:  # fmt: skip
    visit, volunteer, activity, served = _own_open_visit(db, check_in_id, app_user_id)
    if face is not None:
        attempts.require_not_locked(
            db, settings, volunteer_id=volunteer.id, activity_id=activity.id, api_key_id=api_key_id, now=received_at
        )
    if left_at_last_presence:
        evidence = last_presence(db, visit)
        attestation = close_session(
            db, chain, visit, activity, ends_at=visit.last_presence_at, received_at=received_at,
            closed_by="last_presence", evidence=evidence, already_served=served,
        )  # fmt: skip
        return visit, attestation
    if location is None:
        raise Unprocessable("a check-out needs the location (or left_at_last_presence)", code="location_required")
    ends_at = _device_time(settings, received_at, client_time)
    _verify_check_out(db, settings, activity, volunteer, location, face, ends_at)
    evidence = {"client_time": client_time, **asdict(location)} | ({"face": face.model_dump()} if face else {})
    attestation = close_session(
        db, chain, visit, activity, ends_at=ends_at, received_at=received_at, closed_by="check_out",
        evidence=evidence, already_served=served,
    )  # fmt: skip
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


def _own_open_visit(db: Session, check_in_id: str, app_user_id: str) -> tuple[CheckIn, Volunteer, Activity, int]:
    """The open check-in with its volunteer, its activity and the volunteer's minutes recorded
    there, in one statement."""
    found = db.execute(_VISIT, {"check_in_id": check_in_id}).one_or_none()
    if found is None or found.Volunteer.app_user_id != identifiers.app_user_id(app_user_id):
        get_volunteer(db, app_user_id)  # an unknown volunteer is told so first
        raise NotFound(f"no check-in {check_in_id} for this volunteer", code="check_in_not_found")
    visit, volunteer, activity, served = found
    if visit.status != "open":
        raise Conflict(f"check-in {check_in_id} is already checked out", code="check_in_closed")
    return visit, volunteer, activity, served


_VISIT = (
    select(CheckIn, Volunteer, Activity, minutes_recorded_column(Volunteer.address, CheckIn.activity_id))
    .join(Volunteer, Volunteer.id == CheckIn.volunteer_id)
    .join(Activity, Activity.id == CheckIn.activity_id)
    .where(CheckIn.id == bindparam("check_in_id"))
)


def _require_active(volunteer: Volunteer) -> Volunteer:
    if volunteer.status != "active":
        raise Forbidden(f"volunteer {volunteer.app_user_id!r} is suspended", code="volunteer_suspended")
    return volunteer


def _require_open(activity: Activity) -> Activity:
    if activity.status != "open":
        raise Conflict(f"activity {activity.id} is closed", code="activity_closed")
    return activity


def next_session(db: Session, volunteer: Volunteer, activity: Activity) -> int:
    count = db.execute(
        select(func.count()).where(CheckIn.volunteer_id == volunteer.id, CheckIn.activity_id == activity.id)
    ).scalar_one()
    return _session_number(count)


def _session_number(sessions_so_far: int) -> int:
    if sessions_so_far >= MAX_SESSIONS:
        raise Unprocessable(f"at most {MAX_SESSIONS} sessions per activity", code="session_limit_reached")
    return sessions_so_far
