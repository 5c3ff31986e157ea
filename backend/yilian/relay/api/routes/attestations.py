"""Attestations: where an hour record is on its way to the chain."""

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from yilian.relay.api.deps import SessionsDep, require
from yilian.relay.api.presenters import attestation_out
from yilian.relay.api.schemas import AttestationOut
from yilian.relay.db.models import ApiKey, Attestation
from yilian.relay.services.errors import NotFound
from yilian.relay.services.volunteers import get_volunteer

router = APIRouter(prefix="/v1", tags=["attestations"])
Reader = Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))]


@router.get("/attestations/{uid}", response_model=AttestationOut)
def read_attestation(uid: str, sessions: SessionsDep, _: Reader) -> AttestationOut:
    """Status pending → signed → submitted → confirmed (or rejected with the chain's reason)."""
    with sessions() as session:
        row = session.get(Attestation, uid.lower())
        if row is None:
            raise NotFound(f"no attestation {uid}", code="attestation_not_found")
        return attestation_out(row)


@router.get("/volunteers/{app_user_id}/attestations", response_model=list[AttestationOut])
def list_attestations(app_user_id: str, sessions: SessionsDep, _: Reader) -> list[AttestationOut]:
    with sessions() as session:
        volunteer = get_volunteer(session, app_user_id)
        rows = session.scalars(
            select(Attestation)
            .where(Attestation.volunteer_address == volunteer.address)
            .order_by(Attestation.check_in)
        )
        return [attestation_out(row) for row in rows]
