"""Filing and deciding correction requests.

The rule: the organisation that ran the activity decides, within `DECISION_S` of the filing.
A correction that lowers or keeps the volunteer's minutes is `approved` by the organiser alone; one
that raises them (a missing session added, or more minutes) waits for an auditor's confirmation,
so no organisation can raise its own volunteers' hours alone. Applying is in `apply.py`.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from yilian.records.evidence import canonical
from yilian.relay.corrections.models import Correction
from yilian.relay.db.models import Activity, ApiKey, Attestation, CheckIn, Volunteer
from yilian.relay.services.activities import get_activity
from yilian.relay.services.closing import minutes_recorded
from yilian.relay.services.errors import Conflict, NotFound, Unprocessable
from yilian.relay.services.organisers import require_organiser_of
from yilian.relay.services.volunteers import get_volunteer
from yilian.relay.verification import service_minutes

DECISION_S = 14 * 86_400  # the organisation decides within two weeks of the request
UNCONFIRMED = ("pending", "signed", "submitted")


@dataclass(frozen=True)
class Claim:
    """What the volunteer says happened: the session to correct (or the activity of a missing
    one), the times, why, and the evidence (hashes or links of photos, rosters, messages)."""

    check_in_id: str | None
    activity_id: int | None
    check_in: int
    check_out: int
    reason: str
    evidence: list[str]


def file_request(*, db: Session, app_user_id: str, claim: Claim, now: int) -> Correction:
    volunteer = get_volunteer(db, app_user_id)
    visit, activity = _target(db, volunteer, claim)
    replaced = replaced_attestation(db, visit)
    old_minutes = replaced.minutes if replaced else 0
    correction = Correction(
        volunteer=volunteer, activity_id=activity.id, check_in_id=visit.id if visit else None,
        check_in=claim.check_in, check_out=claim.check_out, reason=claim.reason,
        evidence=canonical({"evidence": claim.evidence}), status="submitted", decide_by=now + DECISION_S,
        old_minutes=old_minutes, created_at=now,
    )  # fmt: skip
    correction.new_minutes = corrected_minutes(db, volunteer, activity, correction)
    db.add(correction)
    try:
        db.flush()
    except IntegrityError:
        raise Conflict("this session has an open correction request already", code="correction_open") from None
    return correction


def organiser_decision(
    *, db: Session, organiser: ApiKey, correction_id: int, approve: bool, reason: str | None, now: int
) -> Correction:
    """Rejects with a reason, or approves: `approved`, or `awaiting_auditor` when the correction
    raises the volunteer's minutes."""
    correction = get_correction(db, correction_id)
    require_organiser_of(organiser, get_activity(db, correction.activity_id).organisation_id)
    if (status := effective_status(correction, now)) != "submitted":
        raise Conflict(f"correction {correction_id} is {status}", code="correction_not_submitted")
    correction.decided_at = now
    if not approve:
        correction.status, correction.decision_reason = "rejected", reason
    else:
        correction.status = "awaiting_auditor" if raises_minutes(correction) else "approved"
    return correction


def auditor_decision(*, db: Session, correction_id: int, approve: bool, reason: str | None, now: int) -> Correction:
    """The auditor's word on a correction that raises hours: `approved`, or `rejected` with a reason."""
    correction = get_correction(db, correction_id)
    if correction.status != "awaiting_auditor":
        raise Conflict(f"correction {correction_id} is {correction.status}", code="correction_not_awaiting_auditor")
    correction.confirmed_at = now
    correction.status = "approved" if approve else "rejected"
    if not approve:
        correction.decision_reason = reason
    return correction


def raises_minutes(correction: Correction) -> bool:
    return (correction.new_minutes or 0) > correction.old_minutes


def effective_status(correction: Correction, now: int) -> str:
    """`expired` once an undecided request passed its deadline (nothing else changes it)."""
    if correction.status == "submitted" and now > correction.decide_by:
        return "expired"
    return correction.status


def corrected_minutes(db: Session, volunteer: Volunteer, activity: Activity, correction: Correction) -> int:
    """The minutes the corrected session is worth, by the same rule as a check-out: time inside
    the window, capped with the replaced session's minutes given back."""
    served = minutes_recorded(db, volunteer, activity) - correction.old_minutes
    minutes = service_minutes(
        correction.check_in, correction.check_out, activity.starts_at, activity.ends_at,
        already_served=served, minute_cap=activity.minute_cap,
    )  # fmt: skip
    if minutes == 0:
        raise Unprocessable("the volunteer's minute cap for this activity is reached", code="minute_cap_reached")
    return minutes


def replaced_attestation(db: Session, visit: CheckIn | None) -> Attestation | None:
    """The attestation a correction of `visit` replaces: None when it has none that counted."""
    if visit is None:
        return None
    attestation = db.scalar(select(Attestation).where(Attestation.check_in_id == visit.id))
    if attestation is None or attestation.status == "rejected":
        return None
    if attestation.status in UNCONFIRMED:
        raise Conflict("the session's hours are not confirmed yet; ask again then", code="session_not_confirmed")
    return attestation


@dataclass(frozen=True)
class Replacement:
    correction_id: int
    uid: str | None  # the corrected session's attestation
    session: int | None  # its session number


def replacements(db: Session, uids: list[str]) -> dict[str, Replacement]:
    """Revoked uid → the applied correction that replaced it, for those of `uids` that were."""
    if not uids:
        return {}
    new = aliased(Attestation)
    rows = db.execute(
        select(Correction.revoked_uid, Correction.id, Correction.new_uid, new.session)
        .outerjoin(new, new.uid == Correction.new_uid)
        .where(Correction.revoked_uid.in_(uids))
    )
    return {str(revoked): Replacement(correction, uid, session) for revoked, correction, uid, session in rows}


def get_correction(db: Session, correction_id: int) -> Correction:
    correction = db.get(Correction, correction_id)
    if correction is None:
        raise NotFound(f"no correction {correction_id}", code="correction_not_found")
    return correction


def corrections_of(
    *, db: Session, volunteer_id: int | None, status: str | None, after: list[Any] | None, limit: int
) -> list[Correction]:
    query = select(Correction).order_by(Correction.id.desc()).limit(limit)
    if volunteer_id is not None:
        query = query.where(Correction.volunteer_id == volunteer_id)
    if status is not None:
        query = query.where(Correction.status == status)
    if after is not None:
        query = query.where(Correction.id < after[0])
    return list(db.scalars(query))


def _target(db: Session, volunteer: Volunteer, claim: Claim) -> tuple[CheckIn | None, Activity]:
    if (claim.check_in_id is None) == (claim.activity_id is None):
        raise Unprocessable("name either the session to correct or the activity of a missing one",
                            code="correction_target")  # fmt: skip
    if claim.check_in_id is None:
        return None, get_activity(db, claim.activity_id)  # type: ignore[arg-type]
    visit = db.get(CheckIn, claim.check_in_id)
    if visit is None or visit.volunteer_id != volunteer.id:
        raise NotFound(f"no check-in {claim.check_in_id} for this volunteer", code="check_in_not_found")
    if visit.status == "open":
        raise Conflict("check out first; an open session is not corrected", code="check_in_still_open")
    return visit, get_activity(db, visit.activity_id)
