"""Check-in, presence and check-out: what a volunteer app calls at the venue.

Rules every answer follows:
- Time is what the relay observed. A session starts when the relay accepts the check-in (never
  before the volunteer's previous check-out: sessions never overlap) and ends no later than the
  relay receives the check-out. `client_time` may only date an event earlier (an offline app),
  by at most `max_client_backdate_s`; a clock further off than `max_client_clock_skew_s` → 422
  `clock_skew`. Minutes are clipped to the activity window and capped.
- Presence at both ends. Check-out is inside the fence (else 422 `check_out_outside_geofence`)
  and, where the activity has `face_at_check_out`, with a fresh face assertion. A volunteer who
  left checks out with `left_at_last_presence`: credited up to the last verified presence (the
  check-in or the last in-fence presence ping), never later. Sessions still open after the
  activity's end (+ tolerance) are closed by the relay at the last verified presence.
- No guessing. Failed codes and face checks lock out per volunteer, activity and API key
  (429 `too_many_attempts` with `Retry-After`); a face assertion sent with a wrong code is spent.
"""

from typing import Annotated

from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response

from yilian.relay.api import examples
from yilian.relay.api.deps import ChainDep, ClockDep, SessionsDep, SettingsDep, require
from yilian.relay.api.idempotency import run_idempotent
from yilian.relay.api.openapi import CHECK_IN, READ_ONE
from yilian.relay.api.presenters import check_in_response
from yilian.relay.api.schemas import (
    AttestationOut,
    CheckInIn,
    CheckInOut,
    CheckOutIn,
    CheckOutOut,
    LocationIn,
    PresenceIn,
)  # fmt: skip
from yilian.relay.api.types import ChainIdPath, CheckInIdPath, IdempotencyKey
from yilian.relay.db.models import ApiKey
from yilian.relay.db.session import transaction
from yilian.relay.services import checkins
from yilian.relay.services.attempts import counting_failures

router = APIRouter(prefix="/v1", tags=["check-ins"])
App = Annotated[ApiKey, Depends(require("app"))]
CheckInBody = Annotated[CheckInIn, Body(openapi_examples=examples.CHECK_IN)]
CheckOutBody = Annotated[CheckOutIn, Body(openapi_examples=examples.CHECK_OUT)]


def _location(body: LocationIn) -> checkins.Location:
    return checkins.Location(body.latitude, body.longitude, body.accuracy_m)


@router.post("/activities/{activity_id}/check-ins", status_code=201, response_model=CheckInOut, responses=CHECK_IN)
def check_in(
    activity_id: ChainIdPath, body: CheckInBody, sessions: SessionsDep, settings: SettingsDep, clock: ClockDep,
    api_key: App, idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """Checks a volunteer in after verifying the activity window, the geofence, the venue's
    sign-in code and the identity provider's face assertion. The session starts at the relay's
    receipt of this request. A wrong code or face counts towards the lock-out and spends the
    face assertion (409 `face_assertion_reused` if sent again)."""
    received_at = int(clock())

    def handler(session):  # type: ignore[no-untyped-def]
        visit = checkins.check_in(
            session, settings, activity_id=activity_id, app_user_id=body.app_user_id,
            location=_location(body.location), signin_code=body.signin_code, face=body.face_assertion,
            received_at=received_at, client_time=body.client_time, api_key_id=api_key.id,
        )  # fmt: skip
        return 201, check_in_response(visit, body.app_user_id)

    with counting_failures(sessions, api_key.id, received_at):
        return run_idempotent(
            sessions, api_key=api_key, idempotency_key=idempotency_key, scope=f"check_in:{activity_id}",
            request_body=body, handler=handler,
        )  # fmt: skip


@router.post("/check-ins/{check_in_id}/presence", response_model=CheckInOut, responses=READ_ONE)
def presence(
    check_in_id: CheckInIdPath, body: PresenceIn, sessions: SessionsDep, settings: SettingsDep, clock: ClockDep, _: App
) -> CheckInOut:
    """A presence ping during the session: an in-fence position, recorded at the relay's clock,
    becomes the session's last verified presence (what `left_at_last_presence` and the relay's
    closing of abandoned sessions credit up to). Outside the fence: 422 `outside_geofence`."""
    with transaction(sessions) as session:
        visit = checkins.record_presence(
            session, settings, check_in_id=check_in_id, app_user_id=body.app_user_id,
            location=_location(body.location), received_at=int(clock()),
        )  # fmt: skip
        return check_in_response(visit, body.app_user_id)


@router.post("/check-ins/{check_in_id}/check-out", response_model=CheckOutOut, responses=CHECK_IN)
def check_out(
    check_in_id: CheckInIdPath, body: CheckOutBody, sessions: SessionsDep, settings: SettingsDep, chain: ChainDep,
    clock: ClockDep, api_key: App, idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    """Checks out inside the fence (with a fresh face assertion where the activity asks for one),
    or with `left_at_last_presence` at the last verified presence; computes the minutes the relay
    observed and queues the signed hour attestation."""
    received_at = int(clock())

    def handler(session):  # type: ignore[no-untyped-def]
        visit, attestation = checkins.check_out(
            session, chain, settings, check_in_id=check_in_id, app_user_id=body.app_user_id,
            location=_location(body.location) if body.location else None, face=body.face_assertion,
            left_at_last_presence=body.left_at_last_presence, received_at=received_at,
            client_time=body.client_time, api_key_id=api_key.id,
        )  # fmt: skip
        return 200, CheckOutOut(
            check_in=check_in_response(visit, body.app_user_id),
            minutes=attestation.minutes if attestation else 0,
            attestation=AttestationOut.model_validate(attestation) if attestation else None,
        )

    with counting_failures(sessions, api_key.id, received_at):
        return run_idempotent(
            sessions, api_key=api_key, idempotency_key=idempotency_key, scope=f"check_out:{check_in_id}",
            request_body=body, handler=handler,
        )  # fmt: skip
