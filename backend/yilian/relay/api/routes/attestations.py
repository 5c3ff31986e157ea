"""Attestations: where an hour record is on its way to the chain."""

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select, tuple_

from yilian.relay.api.deps import SessionsDep, require
from yilian.relay.api.openapi import READ_ONE
from yilian.relay.api.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, decode_cursor, page_of
from yilian.relay.api.presenters import attestation_out
from yilian.relay.api.schemas import AttestationOut
from yilian.relay.api.types import MAX_ID, AppUserIdPath, UidPath
from yilian.relay.db.models import ApiKey, Attestation
from yilian.relay.services.errors import NotFound, Unprocessable
from yilian.relay.services.volunteers import get_volunteer

router = APIRouter(prefix="/v1", tags=["attestations"])
Reader = Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))]


@router.get("/attestations/{uid}", response_model=AttestationOut, responses=READ_ONE)
def read_attestation(uid: UidPath, sessions: SessionsDep, _: Reader) -> AttestationOut:
    """Status pending → signed → submitted → confirmed (or rejected with the chain's reason)."""
    with sessions() as session:
        row = session.get(Attestation, uid.lower())
        if row is None:
            raise NotFound(f"no attestation {uid}", code="attestation_not_found")
        return attestation_out(row)


@router.get("/volunteers/{app_user_id}/attestations", response_model=Page[AttestationOut], responses=READ_ONE)
def list_attestations(
    app_user_id: AppUserIdPath, sessions: SessionsDep, _: Reader, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[AttestationOut]:
    """The volunteer's attestations, oldest check-in first, a page at a time."""
    after = decode_cursor(cursor, arity=2)
    if after is not None and not (isinstance(after[0], int) and 0 <= after[0] <= MAX_ID and isinstance(after[1], str)):
        raise Unprocessable("cursor is not one this list handed out", code="invalid_cursor")  # a forged key
    with sessions() as session:
        volunteer = get_volunteer(session, app_user_id)
        query = select(Attestation).where(Attestation.volunteer_address == volunteer.address)
        if after is not None:
            query = query.where(tuple_(Attestation.check_in, Attestation.uid) > tuple(after))
        rows = session.scalars(query.order_by(Attestation.check_in, Attestation.uid).limit(limit + 1)).all()
        kept, next_cursor = page_of(rows, limit, lambda row: (row.check_in, row.uid))
        return Page[AttestationOut](items=[attestation_out(row) for row in kept], next_cursor=next_cursor)
