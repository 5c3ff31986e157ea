"""Closing a session: its minutes, the evidence, the attestation in the outbox, signed; and the
relay's own closing of sessions left open past their activity's end, at the last verified presence.

Minutes count from the session's effective check-in (the relay's receipt, never before the
volunteer's previous check-out) to its effective end (never later than the relay's receipt of the
check-out), clipped to the activity window and capped.
"""

import json
from typing import Any, cast

from sqlalchemy import CursorResult, ScalarSelect, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from yilian.chain.eip712 import uid
from yilian.records.evidence import canonical, evidence_hash
from yilian.relay.config import Settings
from yilian.relay.db.models import Activity, Attestation, CheckIn, PresencePing, Volunteer, columns_of, table_of
from yilian.relay.db.session import transaction
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.errors import Conflict
from yilian.relay.services.outbox import sign_attestation
from yilian.relay.verification import NoServiceTime, service_minutes

SWEEP_BATCH = 100


def close_session(
    db: Session, chain: RelayChain, visit: CheckIn, activity: Activity,
    *, ends_at: int, received_at: int, closed_by: str, evidence: dict[str, Any], already_served: int | None = None,
) -> Attestation | None:  # fmt: skip
    """Closes `visit` at `ends_at` (≥ its check-in, ≤ `received_at`) and queues its attestation,
    signed: an UPDATE of the open check-in and an INSERT, on the tables (no unit of work to flush);
    `visit` then shows the closed session. A session closed meanwhile: 409 check_in_closed.
    `already_served`: the volunteer's minutes recorded at the activity, when the caller read them."""
    volunteer = db.get_one(Volunteer, visit.volunteer_id)
    ends_at = max(visit.checked_in_at, min(ends_at, received_at))
    if already_served is None:
        already_served = minutes_recorded(db, volunteer, activity)
    minutes = _minutes(visit, activity, ends_at, already_served)
    bundle = json.loads(visit.evidence) | {"check_out": {"at": ends_at, "received_at": received_at, **evidence}}
    closing = {
        "status": "closed", "checked_out_at": ends_at, "check_out_received_at": received_at,
        "closed_by": closed_by, "evidence": canonical(bundle),
    }  # fmt: skip
    if cast(CursorResult[Any], db.execute(_CLOSE, {"visit_id": visit.id, **closing})).rowcount != 1:
        raise Conflict(f"check-in {visit.id} is already checked out", code="check_in_closed")
    for key, value in closing.items():
        set_committed_value(visit, key, value)  # what the row now holds, nothing left to flush
    if minutes == 0:
        return None
    return queue_attestation(db, chain, visit, volunteer, activity, minutes)


# Built once: every check-out closes its session and stores its attestation.
_CLOSE = update(table_of(CheckIn)).where(CheckIn.id == bindparam("visit_id"), CheckIn.status == "open")
_INSERT_ATTESTATION = insert(table_of(Attestation))


def last_presence(db: Session, visit: CheckIn) -> dict[str, Any]:
    """The evidence of the last verified presence: the last in-fence ping, or the check-in."""
    ping = db.scalar(
        select(PresencePing).where(PresencePing.check_in_id == visit.id).order_by(PresencePing.at.desc()).limit(1)
    )
    if ping is None:
        return {"last_presence": {"at": visit.last_presence_at, "kind": "check_in"}}
    where = {"latitude": ping.latitude, "longitude": ping.longitude, "accuracy_m": ping.accuracy_m}
    return {"last_presence": {"at": ping.at, "kind": "presence_ping", **where}}


def close_abandoned(sessions: sessionmaker[Session], chain: RelayChain, settings: Settings, now: int) -> int:
    """Closes sessions still open once their activity's check-out tolerance has passed, at the
    last verified presence (never the activity's end); returns how many were closed."""
    with transaction(sessions) as db:
        rows = db.execute(
            select(CheckIn, Activity)
            .join(Activity, Activity.id == CheckIn.activity_id)
            .where(CheckIn.status == "open", Activity.ends_at + settings.checkin_tolerance_s < now)
            .limit(SWEEP_BATCH)
        ).all()
        for visit, activity in rows:
            close_session(
                db, chain, visit, activity, ends_at=visit.last_presence_at, received_at=now,
                closed_by="relay", evidence=last_presence(db, visit),
            )  # fmt: skip
        return len(rows)


def _minutes(visit: CheckIn, activity: Activity, ends_at: int, already_served: int) -> int:
    try:
        return service_minutes(
            visit.checked_in_at, ends_at, activity.starts_at, activity.ends_at,
            already_served=already_served, minute_cap=activity.minute_cap,
        )  # fmt: skip
    except NoServiceTime:
        return 0


def queue_attestation(
    db: Session, chain: RelayChain, visit: CheckIn, volunteer: Volunteer, activity: Activity, minutes: int
) -> Attestation:
    """The closed session's attestation into the outbox, signed with its organisation's key: one
    INSERT on the table (signed first, no UPDATE; the check-in row must exist already)."""
    attestation = new_attestation(visit, volunteer, activity, minutes)
    sign_attestation(db, chain, attestation)
    db.execute(_INSERT_ATTESTATION, columns_of(attestation))
    return attestation


def new_attestation(visit: CheckIn, volunteer: Volunteer, activity: Activity, minutes: int) -> Attestation:
    """The attestation of a closed session, not yet stored nor signed."""
    if visit.checked_out_at is None:
        raise ValueError(f"check-in {visit.id} is still open: only a closed session is attested")
    # The attested interval is the part inside the activity window, which is what the minutes
    # count and all the ledger accepts; the evidence keeps the times as they happened.
    return Attestation(
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


def minutes_recorded(db: Session, volunteer: Volunteer, activity: Activity) -> int:
    return db.execute(select(minutes_recorded_column(volunteer.address, activity.id))).scalar_one()


def minutes_recorded_column(volunteer_address: Any, activity_id: Any) -> ScalarSelect[int]:
    """The minutes attested (and not rejected) for a volunteer at an activity; the arguments are
    values or columns of an enclosing query."""
    return (
        select(func.coalesce(func.sum(Attestation.minutes), 0))
        .where(
            Attestation.volunteer_address == volunteer_address,
            Attestation.activity_id == activity_id,
            Attestation.status != "rejected",
        )
        .scalar_subquery()
    )
