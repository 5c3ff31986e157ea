"""Lock-outs after failed sign-in codes and face checks, for the activity's organiser to see and lift.

A volunteer is locked out after `max_failures_per_volunteer` failures within `attempt_window_s`
(defaults: 5 in 15 minutes); an activity after `max_failures_per_activity` (50), an API key after
`max_failures_per_api_key` (200). Locked requests get 429 `too_many_attempts` with `Retry-After`.
Lifting marks the activity's failures lifted (kept for the record): they stop counting for the
volunteer, the activity and the API key alike."""

from typing import Annotated

from fastapi import APIRouter, Depends

from yilian.relay.api.deps import ClockDep, SessionsDep, SettingsDep, require
from yilian.relay.api.schemas import LiftIn, LiftOut, LockoutOut
from yilian.relay.db.models import ApiKey
from yilian.relay.db.session import transaction
from yilian.relay.services import attempts
from yilian.relay.services.access import require_activity_access
from yilian.relay.services.activities import get_activity
from yilian.relay.services.volunteers import get_volunteer

router = APIRouter(prefix="/v1/activities/{activity_id}/lockouts", tags=["organisations and activities"])
Organiser = Annotated[ApiKey, Depends(require("organiser"))]


@router.get("", response_model=list[LockoutOut])
def list_lockouts(
    activity_id: int, sessions: SessionsDep, settings: SettingsDep, clock: ClockDep, key: Organiser
) -> list[LockoutOut]:
    """Volunteers with failed attempts at this activity in the window; `retry_after` > 0: locked out."""
    with sessions() as session:
        require_activity_access(key, get_activity(session, activity_id))
        found = attempts.lockouts(session, settings, activity_id, int(clock()))
    return [
        LockoutOut(app_user_id=item.app_user_id, failures=item.failures, retry_after=item.retry_after) for item in found
    ]


@router.post("/lift", response_model=LiftOut)
def lift_lockout(activity_id: int, body: LiftIn, sessions: SessionsDep, clock: ClockDep, key: Organiser) -> LiftOut:
    """Lifts the lock-out of one volunteer (or everyone) at this activity of the key's organisation."""
    with transaction(sessions) as session:
        require_activity_access(key, get_activity(session, activity_id))
        volunteer_id = get_volunteer(session, body.app_user_id).id if body.app_user_id else None
        return LiftOut(lifted=attempts.lift(session, activity_id, volunteer_id, int(clock())))
