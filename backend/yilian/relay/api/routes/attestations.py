"""Attestations: where an hour record is on its way to the chain."""

from typing import Annotated

from fastapi import APIRouter, Depends

from yilian.relay.api.deps import SessionsDep, require
from yilian.relay.api.schemas import AttestationOut
from yilian.relay.db.models import ApiKey
from yilian.relay.services import attestations

router = APIRouter(prefix="/v1", tags=["attestations"])
Reader = Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))]


@router.get("/attestations/{uid}", response_model=AttestationOut)
def read_attestation(uid: str, sessions: SessionsDep, _: Reader) -> AttestationOut:
    """Status pending → signed → submitted → confirmed (or rejected with the chain's reason)."""
    with sessions() as db:
        return AttestationOut.model_validate(attestations.get_attestation(db, uid))


@router.get("/volunteers/{app_user_id}/attestations", response_model=list[AttestationOut])
def list_attestations(app_user_id: str, sessions: SessionsDep, _: Reader) -> list[AttestationOut]:
    with sessions() as db:
        return [AttestationOut.model_validate(row) for row in attestations.volunteer_attestations(db, app_user_id)]
