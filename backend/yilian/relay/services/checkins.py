"""Check-in and check-out: every rule of DESIGN.md verified before anything is signed.

A check-out closes the session, computes its minutes, stores the attestation in the outbox and
signs it, all in one database transaction; the worker takes it from there.
"""

import json
import uuid
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yilian.chain.eip712 import uid
from yilian.relay.config import Settings
from yilian.relay.db.models import Activity, Attestation, CheckIn, Volunteer
from yilian.relay.services.activities import get_activity
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.errors import Conflict, Forbidden, NotFound, Unprocessable
from yilian.relay.services.evidence import canonical, evidence_hash
from yilian.relay.services.outbox import sign_attestation
from yilian.relay.services.volunteers import get_volunteer
from yilian.relay.verification import (
    FaceAssertion,
    NoServiceTime,
    check_activity_open,
    check_code,
    check_face,
    check_inside,
    service_minutes,
)
from yilian.signup.service import require_signed_up

MAX_SESSIONS = 16  # HourLedger.MAX_SESSIONS


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    accuracy_m: float


def check_in(
    session: Session,
    settings: Settings,
    *,
    activity_id: int,
    app_user_id: str,
    location: Location,
    signin_code: str,
    face: FaceAssertion,
    at: int,
) -> CheckIn:
    volunteer = _active_volunteer(session, app_user_id)
    activity = _open_activity(session, activity_id)
    require_signed_up(db=session, activity_id=activity.id, volunteer_id=volunteer.id)
    check_activity_open(activity.starts_at, activity.ends_at, at, settings.checkin_tolerance_s)
    check_inside(
        activity.latitude, activity.longitude, activity.radius_m,
        location.latitude, location.longitude, location.accuracy_m,
        max_accuracy_m=settings.max_location_accuracy_m,
    )  # fmt: skip
    check_code(activity.signin_secret, signin_code, at, settings.signin_period_s)
    check_face(
        face, volunteer=volunteer.address, provider_address=settings.face_provider,
        now=at, max_age_s=settings.face_max_age_s, min_score=settings.face_min_score,
    )  # fmt: skip
    _require_unused_face(session, face)
    _require_no_open_check_in(session, volunteer)
    visit = CheckIn(
        id=str(uuid.uuid4()),
        volunteer_id=volunteer.id,
        activity_id=activity.id,
        session=next_session(session, volunteer, activity),
        checked_in_at=at,
        face_nonce=face.nonce,
        evidence=canonical({"check_in": {"at": at, **asdict(location)}, "face": face.model_dump()}),
        status="open",
    )
    session.add(visit)
    session.flush()
    return visit


def check_out(
    session: Session, chain: RelayChain, *, check_in_id: str, app_user_id: str, location: Location, at: int
) -> tuple[CheckIn, Attestation | None]:
    visit = session.get(CheckIn, check_in_id)
    volunteer = get_volunteer(session, app_user_id)
    if visit is None or visit.volunteer_id != volunteer.id:
        raise NotFound(f"no check-in {check_in_id} for this volunteer", code="check_in_not_found")
    if visit.status != "open":
        raise Conflict(f"check-in {check_in_id} is already checked out", code="check_in_closed")
    activity = get_activity(session, visit.activity_id)
    try:
        minutes = service_minutes(
            visit.checked_in_at, at, activity.starts_at, activity.ends_at,
            already_served=minutes_recorded(session, volunteer, activity), minute_cap=activity.minute_cap,
        )  # fmt: skip
    except NoServiceTime:
        minutes = 0
    bundle = json.loads(visit.evidence) | {"check_out": {"at": at, **asdict(location)}}
    visit.status, visit.checked_out_at, visit.evidence = "closed", at, canonical(bundle)
    if minutes == 0:
        return visit, None
    attestation = store_attestation(session, visit, volunteer, activity, minutes)
    sign_attestation(chain, attestation)
    return visit, attestation


def store_attestation(
    session: Session, visit: CheckIn, volunteer: Volunteer, activity: Activity, minutes: int
) -> Attestation:
    # The attested interval is the part inside the activity window, which is what the minutes
    # count and all the ledger accepts; the evidence keeps the times as they happened.
    attestation = Attestation(
        uid="0x" + uid(volunteer.address, visit.activity_id, visit.session).hex(),
        check_in_id=visit.id,
        volunteer_address=volunteer.address,
        activity_id=visit.activity_id,
        session=visit.session,
        check_in=max(visit.checked_in_at, activity.starts_at),
        check_out=min(visit.checked_out_at, activity.ends_at),
        minutes=minutes,
        evidence_hash=evidence_hash(visit.evidence),
        status="pending",
    )
    session.add(attestation)
    session.flush()
    return attestation


def _active_volunteer(session: Session, app_user_id: str) -> Volunteer:
    volunteer = get_volunteer(session, app_user_id)
    if volunteer.status != "active":
        raise Forbidden(f"volunteer {app_user_id!r} is suspended", code="volunteer_suspended")
    return volunteer


def _open_activity(session: Session, activity_id: int) -> Activity:
    activity = get_activity(session, activity_id)
    if activity.status != "open":
        raise Conflict(f"activity {activity_id} is closed", code="activity_closed")
    return activity


def _require_unused_face(session: Session, face: FaceAssertion) -> None:
    if session.scalar(select(CheckIn.id).where(CheckIn.face_nonce == face.nonce)):
        raise Conflict("this face assertion was already used", code="face_assertion_reused")


def _require_no_open_check_in(session: Session, volunteer: Volunteer) -> None:
    if session.scalar(select(CheckIn.id).where(CheckIn.volunteer_id == volunteer.id, CheckIn.status == "open")):
        raise Conflict("the volunteer is still checked in elsewhere", code="check_in_already_open")


def next_session(session: Session, volunteer: Volunteer, activity: Activity) -> int:
    count = session.scalar(
        select(func.count()).where(CheckIn.volunteer_id == volunteer.id, CheckIn.activity_id == activity.id)
    )
    if count >= MAX_SESSIONS:
        raise Unprocessable(f"at most {MAX_SESSIONS} sessions per activity", code="session_limit_reached")
    return count


def minutes_recorded(session: Session, volunteer: Volunteer, activity: Activity) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(Attestation.minutes), 0)).where(
            Attestation.volunteer_address == volunteer.address,
            Attestation.activity_id == activity.id,
            Attestation.status != "rejected",
        )
    )
