"""Volunteers: register, read (with minutes and 益币 from the chain), suspend."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response

from yilian.relay.api import examples
from yilian.relay.api.deps import ChainDep, SessionsDep, SettingsDep, SubmitterDep, require
from yilian.relay.api.idempotency import run_idempotent
from yilian.relay.api.openapi import CHAIN_WRITE, READ_ONE
from yilian.relay.api.presenters import volunteer_out
from yilian.relay.api.schemas import SuspendIn, VolunteerIn, VolunteerOut
from yilian.relay.api.types import AppUserIdPath, IdempotencyKey
from yilian.relay.db.models import ApiKey, ChainTx
from yilian.relay.services import volunteers
from yilian.relay.services.access import require_volunteer_access
from yilian.relay.services.chain_calls import broadcast_recorded

router = APIRouter(prefix="/v1/volunteers", tags=["volunteers"])


@router.post("", status_code=201, response_model=VolunteerOut, responses=CHAIN_WRITE)
def register_volunteer(
    body: Annotated[VolunteerIn, Body(openapi_examples=examples.REGISTRATION)],
    sessions: SessionsDep,
    chain: ChainDep,
    submitter: SubmitterDep,
    settings: SettingsDep,
    api_key: Annotated[ApiKey, Depends(require("app"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Registers a volunteer off chain and on chain (the registry gets only the identity hash).
    Without `address`, the relay creates and keeps an encrypted key for the volunteer.

    One person, one volunteer: `app_user_id`, name and ID number are NFKC-normalised; control,
    format and zero-width characters are refused (422 `invisible_characters`); the identity hash
    is HMAC-SHA256 under the relay's pepper of the normalised name and upper-cased ID number, so
    the same identity registers once (409 `identity_already_registered`)."""
    sent: list[ChainTx] = []

    def handler(session):  # type: ignore[no-untyped-def]
        volunteer, chain_tx = volunteers.register_volunteer(
            session, chain, submitter,
            app_user_id=body.app_user_id, address=body.address,
            identity=volunteers.Identity(body.identity.real_name, body.identity.id_number),
            pepper=settings.pepper, custody_password=settings.custody_password,
        )  # fmt: skip
        sent.append(chain_tx)
        return 201, volunteer_out(volunteer, chain_tx=chain_tx.tx_hash)

    response = run_idempotent(
        sessions, api_key=api_key, idempotency_key=idempotency_key, scope="register_volunteer",
        request_body=body, handler=handler,
    )  # fmt: skip
    broadcast_recorded(submitter, sent)
    return response


@router.get("/{app_user_id}", response_model=VolunteerOut, responses=READ_ONE)
def read_volunteer(
    app_user_id: AppUserIdPath,
    sessions: SessionsDep,
    chain: ChainDep,
    key: Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))],
) -> VolunteerOut:
    """The volunteer's record, with minutes served and 益币 balance as the chain has them now.
    An organiser key reads only volunteers who checked in at its organisation's activities."""
    with sessions() as db:
        volunteer = volunteers.get_volunteer(db, app_user_id)
        require_volunteer_access(db, key, volunteer)
    minutes_served, yicoin_balance = volunteers.chain_totals(chain, volunteer)
    return volunteer_out(volunteer, minutes_served=minutes_served, yicoin_balance=yicoin_balance)


@router.post("/{app_user_id}/suspend", response_model=VolunteerOut, responses=CHAIN_WRITE)
def suspend_volunteer(
    app_user_id: AppUserIdPath,
    body: SuspendIn,
    sessions: SessionsDep,
    chain: ChainDep,
    submitter: SubmitterDep,
    api_key: Annotated[ApiKey, Depends(require("organiser"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Suspends a volunteer: no new check-ins here, no new hours on chain. An organiser key may
    suspend only volunteers who checked in at its organisation's activities (admin: anyone)."""
    sent: list[ChainTx] = []

    def handler(session):  # type: ignore[no-untyped-def]
        require_volunteer_access(session, api_key, volunteers.get_volunteer(session, app_user_id))
        volunteer, chain_tx = volunteers.suspend_volunteer(
            session, chain, submitter, app_user_id=app_user_id, reason=body.reason
        )
        sent.append(chain_tx)
        return 200, volunteer_out(volunteer, chain_tx=chain_tx.tx_hash)

    response = run_idempotent(
        sessions, api_key=api_key, idempotency_key=idempotency_key, scope=f"suspend:{app_user_id}",
        request_body=body, handler=handler,
    )  # fmt: skip
    broadcast_recorded(submitter, sent)
    return response
