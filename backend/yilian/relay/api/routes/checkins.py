"""Check-in and check-out: what a volunteer app calls at the venue."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse

from yilian.relay.api import examples
from yilian.relay.api.deps import ChainDep, ClockDep, SessionsDep, SettingsDep, event_time, require
from yilian.relay.api.idempotency import run_idempotent
from yilian.relay.api.openapi import CHAIN_WRITE
from yilian.relay.api.presenters import attestation_out, check_in_out
from yilian.relay.api.schemas import CheckInIn, CheckInOut, CheckOutIn, CheckOutOut
from yilian.relay.api.types import ChainIdPath, CheckInIdPath, IdempotencyKey
from yilian.relay.db.models import ApiKey
from yilian.relay.services import checkins

router = APIRouter(prefix="/v1", tags=["check-ins"])
App = Annotated[ApiKey, Depends(require("app"))]
CheckInBody = Annotated[CheckInIn, Body(openapi_examples=examples.CHECK_IN)]
CheckOutBody = Annotated[CheckOutIn, Body(openapi_examples=examples.CHECK_OUT)]


@router.post("/activities/{activity_id}/check-ins", status_code=201, response_model=CheckInOut, responses=CHAIN_WRITE)
def check_in(
    activity_id: ChainIdPath, body: CheckInBody, sessions: SessionsDep, settings: SettingsDep, clock: ClockDep,
    api_key: App, idempotency_key: IdempotencyKey = None,
) -> JSONResponse:  # fmt: skip
    """Checks a volunteer in after verifying the activity window, the geofence, the venue's
    sign-in code and the identity provider's face assertion."""
    location = checkins.Location(body.location.latitude, body.location.longitude, body.location.accuracy_m)

    def handler(session):  # type: ignore[no-untyped-def]
        # Inside the handler: a replayed retry gets its first answer even after the clock moved on.
        at = event_time(clock, settings, body.client_time)
        visit = checkins.check_in(
            session, settings, activity_id=activity_id, app_user_id=body.app_user_id, location=location,
            signin_code=body.signin_code, face=body.face_assertion, at=at,
        )  # fmt: skip
        return 201, check_in_out(visit, body.app_user_id)

    return run_idempotent(
        sessions, api_key=api_key, idempotency_key=idempotency_key, scope=f"check_in:{activity_id}",
        request_body=body, handler=handler,
    )  # fmt: skip


@router.post("/check-ins/{check_in_id}/check-out", response_model=CheckOutOut, responses=CHAIN_WRITE)
def check_out(
    check_in_id: CheckInIdPath, body: CheckOutBody, sessions: SessionsDep, settings: SettingsDep, chain: ChainDep,
    clock: ClockDep, api_key: App, idempotency_key: IdempotencyKey = None,
) -> JSONResponse:  # fmt: skip
    """Checks out: computes the service minutes and queues the signed hour attestation."""
    location = checkins.Location(body.location.latitude, body.location.longitude, body.location.accuracy_m)

    def handler(session):  # type: ignore[no-untyped-def]
        at = event_time(clock, settings, body.client_time)  # see check_in
        visit, attestation = checkins.check_out(
            session, chain, check_in_id=check_in_id, app_user_id=body.app_user_id, location=location, at=at
        )
        return 200, CheckOutOut(
            check_in=check_in_out(visit, body.app_user_id),
            minutes=attestation.minutes if attestation else 0,
            attestation=attestation_out(attestation) if attestation else None,
        )

    return run_idempotent(
        sessions, api_key=api_key, idempotency_key=idempotency_key, scope=f"check_out:{check_in_id}",
        request_body=body, handler=handler,
    )  # fmt: skip
