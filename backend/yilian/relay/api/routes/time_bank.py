"""The time bank (时间储蓄): credits and their history, the holder's moves, family links, statistics."""

from typing import Annotated

from fastapi import APIRouter, Depends

from yilian.relay.api.deps import ChainDep, ClockDep, SessionsDep, SettingsDep, SubmitterDep, require
from yilian.relay.api.pagination import Cursor, Limit, decode_cursor, page_of
from yilian.relay.api.time_bank_schemas import (
    ApprovedMoveIn,
    ApproveWith,
    CreditEntryOut,
    FamilyLinkIn,
    FamilyLinkOut,
    MoveDone,
    MoveIn,
    MoveOut,
    TimeBankStatsOut,
    TimeCreditsOut,
)
from yilian.relay.db.models import ApiKey
from yilian.relay.services import time_bank
from yilian.relay.services.access import require_volunteer_access
from yilian.relay.services.volunteers import get_volunteer

router = APIRouter(prefix="/v1", tags=["time bank"])
App = Annotated[ApiKey, Depends(require("app"))]


@router.get("/volunteers/{app_user_id}/time-credits", response_model=TimeCreditsOut)
def read_time_credits(
    app_user_id: str, sessions: SessionsDep, chain: ChainDep,
    key: Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))],
    limit: Limit = 20, cursor: Cursor = None,
) -> TimeCreditsOut:  # fmt: skip
    """Banked credits (minutes; 60 = one hour) and every change, each traceable to a session uid
    or to the other account of a move, oldest first. An organiser key reads only volunteers who
    served with its organisation."""
    with sessions() as db:
        volunteer = get_volunteer(db, app_user_id)
        require_volunteer_access(db, key, volunteer)
    after = decode_cursor(cursor, arity=2)
    history = [
        entry for entry in time_bank.credit_history(chain, volunteer.address)
        if after is None or (entry.block, entry.log_index) > tuple(after)
    ]  # fmt: skip
    items, next_cursor = page_of(history, limit, lambda entry: (entry.block, entry.log_index))
    return TimeCreditsOut(
        app_user_id=app_user_id, address=volunteer.address,
        credit_minutes=chain.ledger.functions.timeCredits(volunteer.address).call(),
        pool_minutes=chain.ledger.functions.timeCreditPool().call(),
        items=[CreditEntryOut.model_validate(entry) for entry in items], next_cursor=next_cursor,
    )  # fmt: skip


@router.post("/volunteers/{app_user_id}/time-bank/moves/prepare", response_model=MoveOut)
def prepare_move(
    app_user_id: str, body: MoveIn, sessions: SessionsDep, chain: ChainDep, clock: ClockDep, _: App
) -> MoveOut:
    """The message the volunteer approves: a family consent, a gift to family, a donation to the
    pool or a service request. Their own wallet signs `typed_data`; for a key the relay keeps, the
    identity provider's face assertion must carry `digest` as its nonce."""
    deadline = int(clock()) + body.valid_for_s
    with sessions() as db:
        move = time_bank.prepare_move(
            db, chain, app_user_id=app_user_id, kind=body.kind, terms=body.terms.model_dump(), deadline=deadline
        )
    approve_with: ApproveWith = "face_assertion" if move.custodial else "signature"
    return MoveOut(
        kind=body.kind, deadline=deadline, typed_data=move.typed_data, digest=move.digest, approve_with=approve_with
    )


@router.post("/volunteers/{app_user_id}/time-bank/moves", response_model=MoveDone)
def submit_move(
    app_user_id: str, body: ApprovedMoveIn, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, clock: ClockDep, _: App,
) -> MoveDone:  # fmt: skip
    """Submits a prepared move with the volunteer's approval and waits for the chain."""
    with sessions() as db:
        move = time_bank.prepare_move(
            db, chain, app_user_id=app_user_id, kind=body.kind, terms=body.terms.model_dump(), deadline=body.deadline
        )
        holder = get_volunteer(db, app_user_id).address
    tx_hash = time_bank.submit_move(
        sessions, chain, submitter, settings, app_user_id=app_user_id, move=move,
        signature=body.signature, face=body.face_assertion, now=int(clock()),
    )  # fmt: skip
    return MoveDone(tx_hash=tx_hash, credit_minutes=chain.ledger.functions.timeCredits(holder).call())


@router.post("/time-bank/family-links", response_model=FamilyLinkOut)
def confirm_family_link(
    body: FamilyLinkIn, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    _: Annotated[ApiKey, Depends(require("organiser"))],
) -> FamilyLinkOut:  # fmt: skip
    """The organisation confirms that two volunteers are family (after checking off chain); the
    link is active once both have also consented."""
    tx_hash = time_bank.confirm_family_link(
        sessions, chain, submitter, app_user_id=body.app_user_id, relative=body.relative
    )
    with sessions() as db:
        first, second = get_volunteer(db, body.app_user_id), get_volunteer(db, body.relative)
    linked = chain.time_bank.functions.isFamily(first.address, second.address).call()
    return FamilyLinkOut(tx_hash=tx_hash, linked=linked)


@router.get("/time-bank/stats", response_model=TimeBankStatsOut)
def read_time_bank_stats(chain: ChainDep, _: Annotated[ApiKey, Depends(require("auditor"))]) -> TimeBankStatsOut:
    """The district bank's totals in credit minutes, from the ledger's events."""
    return TimeBankStatsOut(**time_bank.time_bank_stats(chain))
