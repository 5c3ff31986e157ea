"""Attestations: where an hour record is on its way to the chain."""

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from yilian.relay.api.deps import SessionsDep, require
from yilian.relay.api.presenters import attestation_out
from yilian.relay.api.schemas import AttestationOut
from yilian.relay.db.models import ApiKey, Attestation
from yilian.relay.services.access import require_organisation, visible_activity_ids
from yilian.relay.services.activities import get_activity
from yilian.relay.services.errors import NotFound
from yilian.relay.services.volunteers import get_volunteer

router = APIRouter(prefix="/v1", tags=["attestations"])
Reader = Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))]


@router.get("/attestations/{uid}", response_model=AttestationOut)
def read_attestation(uid: str, sessions: SessionsDep, key: Reader) -> AttestationOut:
    """Status pending → signed → submitted → confirmed (or rejected with the chain's reason).
    An organiser key reads only its own organisation's."""
    with sessions() as session:
        row = session.get(Attestation, uid.lower())
        if row is None:
            raise NotFound(f"no attestation {uid}", code="attestation_not_found")
        require_organisation(key, get_activity(session, row.activity_id).organisation_id)
        return attestation_out(row)


@router.get("/volunteers/{app_user_id}/attestations", response_model=list[AttestationOut])
def list_attestations(app_user_id: str, sessions: SessionsDep, key: Reader) -> list[AttestationOut]:
    """The volunteer's attestations; for an organiser key, those of its organisation only."""
    with sessions() as session:
        volunteer = get_volunteer(session, app_user_id)
        query = select(Attestation).where(Attestation.volunteer_address == volunteer.address)
        if (visible := visible_activity_ids(session, key)) is not None:
            query = query.where(Attestation.activity_id.in_(visible))
        rows = session.scalars(query.order_by(Attestation.check_in))
        return [attestation_out(row) for row in rows]
