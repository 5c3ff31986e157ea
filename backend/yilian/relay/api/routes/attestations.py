"""Attestations: where an hour record is on its way to the chain."""

from typing import Annotated

from fastapi import APIRouter, Depends

from yilian.relay.api.deps import SessionsDep, require
from yilian.relay.api.openapi import READ_ONE
from yilian.relay.api.pagination import DEFAULT_LIMIT, Cursor, Limit, Page, decode_cursor, page_of
from yilian.relay.api.schemas import AttestationOut
from yilian.relay.api.types import MAX_ID, AppUserIdPath, UidPath
from yilian.relay.db.models import ApiKey
from yilian.relay.services import attestations
from yilian.relay.services.access import require_organisation
from yilian.relay.services.activities import get_activity
from yilian.relay.services.errors import Unprocessable

router = APIRouter(prefix="/v1", tags=["attestations"])
Reader = Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))]


@router.get("/attestations/{uid}", response_model=AttestationOut, responses=READ_ONE)
def read_attestation(uid: UidPath, sessions: SessionsDep, key: Reader) -> AttestationOut:
    """Status pending → signed → submitted → confirmed (or rejected with the chain's reason).
    An organiser key reads only its own organisation's."""
    with sessions() as db:
        row = attestations.get_attestation(db, uid)
        require_organisation(key, get_activity(db, row.activity_id).organisation_id)
        return AttestationOut.model_validate(row)


@router.get("/volunteers/{app_user_id}/attestations", response_model=Page[AttestationOut], responses=READ_ONE)
def list_attestations(
    app_user_id: AppUserIdPath, sessions: SessionsDep, key: Reader, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[AttestationOut]:
    """The volunteer's attestations, oldest check-in first, a page at a time; for an organiser
    key, those of its organisation only."""
    after = decode_cursor(cursor, arity=2)
    if after is not None and not (isinstance(after[0], int) and 0 <= after[0] <= MAX_ID and isinstance(after[1], str)):
        raise Unprocessable("cursor is not one this list handed out", code="invalid_cursor")  # a forged key
    with sessions() as db:
        rows = attestations.volunteer_attestations(db, app_user_id, key=key, after=after, limit=limit + 1)
        kept, next_cursor = page_of(rows, limit, lambda row: (row.check_in, row.uid))
        return Page[AttestationOut](items=[AttestationOut.model_validate(row) for row in kept], next_cursor=next_cursor)
