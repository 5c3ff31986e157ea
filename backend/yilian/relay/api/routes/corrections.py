"""Correction requests: the volunteer asks, the organisation decides (an auditor confirms what
raises hours), the relay revokes the replaced session on chain and issues the corrected one."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session, sessionmaker

from yilian.relay.api.correction_schemas import CorrectionIn, CorrectionOut, ReasonIn, Status
from yilian.relay.api.deps import ChainDep, ClockDep, SessionsDep, SettingsDep, require
from yilian.relay.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from yilian.relay.config import Settings
from yilian.relay.corrections import apply, service
from yilian.relay.corrections.models import Correction
from yilian.relay.db.models import ApiKey
from yilian.relay.db.session import transaction
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.volunteers import get_volunteer

router = APIRouter(prefix="/v1", tags=["corrections"])
App = Annotated[ApiKey, Depends(require("app"))]
Organiser = Annotated[ApiKey, Depends(require("organiser"))]
Auditor = Annotated[ApiKey, Depends(require("auditor"))]
Clock = Callable[[], float]
Reader = Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))]


@router.post("/corrections", status_code=201, response_model=CorrectionOut)
def file_request(body: CorrectionIn, sessions: SessionsDep, clock: ClockDep, _: App) -> CorrectionOut:
    """A volunteer asks for a session to be corrected (`check_in_id`) or a missing one added
    (`activity_id`), with the times, a reason and evidence. The minutes are computed by the
    check-out rule; the organisation has until `decide_by`."""
    claim = service.Claim(body.check_in_id, body.activity_id, body.check_in, body.check_out, body.reason, body.evidence)
    with transaction(sessions) as db:
        correction = service.file_request(db=db, app_user_id=body.app_user_id, claim=claim, now=int(clock()))
    return CorrectionOut.of(correction, correction.status)


@router.get("/corrections/{correction_id}", response_model=CorrectionOut)
def read_request(correction_id: int, sessions: SessionsDep, clock: ClockDep, _: Reader) -> CorrectionOut:
    with sessions() as db:
        return _out(service.get_correction(db, correction_id), clock)


@router.get("/corrections", response_model=Page[CorrectionOut])
def list_requests(
    sessions: SessionsDep, clock: ClockDep, _: Annotated[ApiKey, Depends(require("organiser", "auditor"))],
    status: Annotated[Status | None, Query()] = None, limit: Limit = 20, cursor: Cursor = None,
) -> Page[CorrectionOut]:  # fmt: skip
    """Newest first; `status=awaiting_auditor` is the auditor's queue."""
    with sessions() as db:
        rows = service.corrections_of(db=db, volunteer_id=None, status=status,
                                      after=decode_cursor(cursor, arity=1), limit=limit + 1)  # fmt: skip
    return _page(rows, limit, clock)


@router.get("/volunteers/{app_user_id}/corrections", response_model=Page[CorrectionOut])
def list_own(
    app_user_id: str, sessions: SessionsDep, clock: ClockDep, _: App, limit: Limit = 20, cursor: Cursor = None
) -> Page[CorrectionOut]:
    """The volunteer's requests and where each stands."""
    with sessions() as db:
        volunteer = get_volunteer(db, app_user_id)
        rows = service.corrections_of(db=db, volunteer_id=volunteer.id, status=None,
                                      after=decode_cursor(cursor, arity=1), limit=limit + 1)  # fmt: skip
    return _page(rows, limit, clock)


@router.post("/corrections/{correction_id}/approve", response_model=CorrectionOut)
def approve_correction(
    correction_id: int, sessions: SessionsDep, chain: ChainDep, settings: SettingsDep, clock: ClockDep,
    organiser: Organiser,
) -> CorrectionOut:  # fmt: skip
    """The organisation approves. What lowers or keeps the hours is applied at once; what raises
    them waits for an auditor (`awaiting_auditor`)."""
    with transaction(sessions) as db:
        correction = service.organiser_decision(db=db, organiser=organiser, correction_id=correction_id,
                                                approve=True, reason=None, now=int(clock()))  # fmt: skip
    return _applied_if_approved(correction, sessions, chain, settings, clock)


@router.post("/corrections/{correction_id}/reject", response_model=CorrectionOut)
def reject_correction(
    correction_id: int, body: ReasonIn, sessions: SessionsDep, clock: ClockDep, organiser: Organiser
) -> CorrectionOut:
    with transaction(sessions) as db:
        correction = service.organiser_decision(db=db, organiser=organiser, correction_id=correction_id,
                                                approve=False, reason=body.reason, now=int(clock()))  # fmt: skip
    return _out(correction, clock)


@router.post("/corrections/{correction_id}/confirm", response_model=CorrectionOut)
def confirm(
    correction_id: int, sessions: SessionsDep, chain: ChainDep, settings: SettingsDep, clock: ClockDep, _: Auditor
) -> CorrectionOut:
    """The auditor confirms a correction that raises hours; it is applied at once."""
    with transaction(sessions) as db:
        correction = service.auditor_decision(db=db, correction_id=correction_id, approve=True, reason=None,
                                              now=int(clock()))  # fmt: skip
    return _applied_if_approved(correction, sessions, chain, settings, clock)


@router.post("/corrections/{correction_id}/decline", response_model=CorrectionOut)
def decline(correction_id: int, body: ReasonIn, sessions: SessionsDep, clock: ClockDep, _: Auditor) -> CorrectionOut:
    with transaction(sessions) as db:
        correction = service.auditor_decision(db=db, correction_id=correction_id, approve=False,
                                              reason=body.reason, now=int(clock()))  # fmt: skip
    return _out(correction, clock)


@router.post("/corrections/{correction_id}/apply", response_model=CorrectionOut)
def retry_apply(
    correction_id: int, sessions: SessionsDep, chain: ChainDep, settings: SettingsDep, clock: ClockDep,
    _: Annotated[ApiKey, Depends(require("organiser", "auditor"))],
) -> CorrectionOut:  # fmt: skip
    """Applies an `approved` correction again after the chain or the auditor key failed it."""
    applied = apply.apply_correction(sessions=sessions, chain=chain, settings=settings, correction_id=correction_id)
    return _out(applied, clock)


def _applied_if_approved(
    correction: Correction, sessions: sessionmaker[Session], chain: RelayChain, settings: Settings, clock: Clock
) -> CorrectionOut:
    if correction.status == "approved":
        correction = apply.apply_correction(sessions=sessions, chain=chain, settings=settings,
                                            correction_id=correction.id)  # fmt: skip
    return _out(correction, clock)


def _page(rows: list[Correction], limit: int, clock: Clock) -> Page[CorrectionOut]:
    kept, next_cursor = page_of(rows, limit, lambda row: [row.id])
    return Page(items=[_out(row, clock) for row in kept], next_cursor=next_cursor)


def _out(row: Correction, clock: Clock) -> CorrectionOut:
    return CorrectionOut.of(row, service.effective_status(row, int(clock())))
