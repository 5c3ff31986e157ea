"""Attestations: where an hour record is on its way to the chain."""

from typing import Annotated

from fastapi import APIRouter, Depends

from yilian.relay.api.deps import SessionsDep, require
from yilian.relay.api.schemas import AttestationOut
from yilian.relay.db.models import ApiKey
from yilian.relay.services import attestations
from yilian.relay.services.access import require_organisation
from yilian.relay.services.activities import get_activity

router = APIRouter(prefix="/v1", tags=["attestations"])
Reader = Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))]


@router.get("/attestations/{uid}", response_model=AttestationOut)
def read_attestation(uid: str, sessions: SessionsDep, key: Reader) -> AttestationOut:
    """Status pending → signed → submitted → confirmed (or rejected with the chain's reason).
    An organiser key reads only its own organisation's."""
    with sessions() as db:
        row = attestations.get_attestation(db, uid)
        require_organisation(key, get_activity(db, row.activity_id).organisation_id)
        return AttestationOut.model_validate(row)


@router.get("/volunteers/{app_user_id}/attestations", response_model=list[AttestationOut])
def list_attestations(app_user_id: str, sessions: SessionsDep, key: Reader) -> list[AttestationOut]:
    """The volunteer's attestations; for an organiser key, those of its organisation only."""
    with sessions() as db:
        rows = attestations.volunteer_attestations(db, app_user_id, key=key)
        return [AttestationOut.model_validate(row) for row in rows]
