"""Everything a check-in decides on, read in one statement inside its transaction: the volunteer,
the activity, the sign-up rule, the lock-out windows, whether the face assertion was spent, and the
volunteer's open check-in, latest check-out and sessions at the activity. Each was a statement of
its own; one round trip gives the same answers from the same snapshot."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Select, bindparam, exists, func, select, true
from sqlalchemy.orm import Session

from yilian.relay.config import Settings
from yilian.relay.db.models import Activity, CheckIn, SpentFaceNonce, Volunteer
from yilian.relay.services import attempts
from yilian.relay.signup.models import Signup, SignupTerms


@dataclass(frozen=True)
class CheckInFacts:
    volunteer: Volunteer
    activity: Activity
    signup_required: bool  # the activity's sign-up terms ask for an approved sign-up
    signed_up: bool  # the volunteer holds an approved sign-up there
    limit_times: Sequence[int | None]  # attempts.window_columns, per window
    face_spent: bool
    open_check_in: bool  # the volunteer is checked in somewhere
    previous_check_out: int  # the end of the volunteer's latest session anywhere (0: none)
    sessions_here: int  # the volunteer's sessions at this activity so far


def read(
    db: Session, settings: Settings, *, app_user_id: str, activity_id: int, api_key_id: int, face_nonce: str, now: int
) -> CheckInFacts | None:
    """None when the volunteer or the activity is unknown (the caller says which)."""
    parameters = {
        "app_user_id": app_user_id, "activity_id": activity_id, "api_key_id": api_key_id,
        "face_nonce": face_nonce, "since": now - settings.attempt_window_s,
    }  # fmt: skip
    row = db.execute(_statement(attempts.limits(settings)), parameters).one_or_none()
    if row is None:
        return None
    volunteer, activity, required, signed_up, *limit_times, spent, open_check_in, previous, sessions = row
    return CheckInFacts(
        volunteer, activity, bool(required), bool(signed_up), limit_times, bool(spent), bool(open_check_in),
        previous, sessions,
    )  # fmt: skip


@lru_cache(maxsize=8)
def _statement(limits: tuple[int, ...]) -> Select:  # type: ignore[type-arg]
    # Subqueries correlated with the volunteer and activity rows the statement finds.
    visits, approved = (CheckIn.volunteer_id == Volunteer.id,), Signup.status == "approved"
    found = select(
        Volunteer,
        Activity,
        select(SignupTerms.requires_signup).where(SignupTerms.activity_id == Activity.id).scalar_subquery(),
        exists().where(Signup.activity_id == Activity.id, Signup.volunteer_id == Volunteer.id, approved),
        *attempts.window_columns(limits, Volunteer.__table__.c.id, Activity.__table__.c.id),
        exists().where(SpentFaceNonce.nonce == bindparam("face_nonce")),
        exists().where(*visits, CheckIn.status == "open"),
        select(func.coalesce(func.max(CheckIn.checked_out_at), 0)).where(*visits).scalar_subquery(),
        select(func.count()).where(*visits, CheckIn.activity_id == Activity.id).scalar_subquery(),
    ).join_from(Volunteer, Activity, true())  # one row of each, found by the WHERE clause
    return found.where(Volunteer.app_user_id == bindparam("app_user_id"), Activity.id == bindparam("activity_id"))
