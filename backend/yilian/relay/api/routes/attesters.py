"""An organisation's attesters: the keys whose signatures the ledger accepts for its activities."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from yilian.relay.api.deps import ChainDep, SessionsDep, SettingsDep, SubmitterDep, require
from yilian.relay.db.models import ApiKey, OrganisationAttester
from yilian.relay.services import attesters

router = APIRouter(prefix="/v1/organisations", tags=["organisations and activities"])
Admin = Annotated[ApiKey, Depends(require("admin"))]


class AttesterIn(BaseModel):
    address: str | None = Field(
        None,
        description="An Ethereum address whose key the organisation holds itself; omitted: the "
        "relay creates a key for the organisation and holds it (if it holds none yet)",
    )


class AttesterOut(BaseModel):
    organisation_id: int
    address: str
    held_by_relay: bool = Field(
        description="True for the key the relay holds (encrypted) and signs the organisation's "
        "sessions and certificates with; false for an external signer the organisation holds"
    )
    created_at: int


def _out(attester: OrganisationAttester) -> AttesterOut:
    return AttesterOut(
        organisation_id=attester.organisation_id, address=attester.address,
        held_by_relay=attester.custodial_keystore is not None, created_at=attester.created_at,
    )  # fmt: skip


@router.get("/{organisation_id}/attesters", response_model=list[AttesterOut])
def list_attesters(
    organisation_id: int, sessions: SessionsDep, _: Annotated[ApiKey, Depends(require("organiser", "auditor"))]
) -> list[AttesterOut]:
    """The organisation's attesters the relay registered on chain."""
    with sessions() as db:
        return [_out(attester) for attester in attesters.list_attesters(db, organisation_id)]


@router.post("/{organisation_id}/attesters", status_code=201, response_model=AttesterOut)
def add_attester(
    organisation_id: int, body: AttesterIn, sessions: SessionsDep, chain: ChainDep,
    submitter: SubmitterDep, settings: SettingsDep, _: Admin,
) -> AttesterOut:  # fmt: skip
    """Registers an external signer of the organisation on chain: hours and certificates it
    signs elsewhere for the organisation's activities are accepted like the relay's. Without an
    address, the relay creates the organisation's own key, as it does for a new organisation.
    Errors: 422 `invalid_address`, 404 `organisation_not_found`, 409 `attester_exists`."""
    if body.address is None:
        attester = attesters.add_relay_attester(
            sessions, chain, submitter, organisation_id=organisation_id,
            custody_password=settings.custody_password, timeout_s=settings.receipt_timeout_s,
        )  # fmt: skip
    else:
        attester = attesters.add_external_attester(
            sessions, chain, submitter, organisation_id=organisation_id, address=body.address,
            timeout_s=settings.receipt_timeout_s,
        )  # fmt: skip
    return _out(attester)
