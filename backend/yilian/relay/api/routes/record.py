"""A volunteer's own record, as the app shows it: sessions with their hours, and 益币 history."""

from typing import Annotated

from fastapi import APIRouter, Depends

from yilian.relay.api.deps import ChainDep, SessionsDep, require
from yilian.relay.api.discover_schemas import BalanceChangeOut, ReplacementOut, SessionOut
from yilian.relay.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from yilian.relay.api.presenters import check_in_response
from yilian.relay.api.schemas import AttestationOut
from yilian.relay.corrections.service import Replacement, replacements
from yilian.relay.db.models import ApiKey
from yilian.relay.discover import history
from yilian.relay.services.volunteers import get_volunteer

router = APIRouter(prefix="/v1/volunteers/{app_user_id}", tags=["a volunteer's record"])
Reader = Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))]


@router.get("/sessions", response_model=Page[SessionOut])
def list_sessions(
    app_user_id: str, sessions: SessionsDep, _: Reader, limit: Limit = 20, cursor: Cursor = None
) -> Page[SessionOut]:
    """The volunteer's check-ins, newest first, each with its minutes and the state of its hours
    (pending → signed → submitted → confirmed, or rejected with the chain's reason; revoked, with
    the corrected session that replaced it)."""
    with sessions() as db:
        volunteer = get_volunteer(db, app_user_id)
        rows = history.sessions_of(
            db=db, volunteer_id=volunteer.id, after=decode_cursor(cursor, arity=2), limit=limit + 1
        )
        kept, next_cursor = page_of(rows, limit, lambda row: row.key)
        replaced = replacements(db, [row.attestation.uid for row in kept if row.attestation])
    return Page(items=[_session_out(row, app_user_id, replaced) for row in kept], next_cursor=next_cursor)


def _session_out(row: history.ServedSession, app_user_id: str, replaced: dict[str, Replacement]) -> SessionOut:
    attestation = row.attestation
    replacement = replaced.get(attestation.uid) if attestation else None
    state = attestation.status if attestation else row.visit.status
    return SessionOut(
        check_in=check_in_response(row.visit, app_user_id), checked_out_at=row.visit.checked_out_at,
        minutes=attestation.minutes if attestation else 0, state="revoked" if replacement else state,
        replaced_by=ReplacementOut(**replacement.__dict__) if replacement else None,
        attestation=AttestationOut.model_validate(attestation) if attestation else None,
    )  # fmt: skip


@router.get("/balance-history", response_model=Page[BalanceChangeOut])
def balance_history(
    app_user_id: str, sessions: SessionsDep, chain: ChainDep, _: Reader, limit: Limit = 20, cursor: Cursor = None
) -> Page[BalanceChangeOut]:
    """Every 益币 movement of the volunteer's wallet, newest first, from the chain's logs: earned
    (confirmed hours, shown at once though minted at the first spend), spent (at a merchant),
    burned (hours revoked)."""
    with sessions() as db:
        address = get_volunteer(db, app_user_id).address
    rows = history.balance_history(chain=chain, address=address, after=decode_cursor(cursor, arity=2), limit=limit + 1)
    kept, next_cursor = page_of(rows, limit, lambda row: row.key)
    items = [
        BalanceChangeOut(
            block_number=r.block_number, tx_hash=r.tx_hash, kind=r.kind, amount=r.amount, counterparty=r.counterparty
        )  # fmt: skip
        for r in kept
    ]
    return Page(items=items, next_cursor=next_cursor)
