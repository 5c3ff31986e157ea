"""Needs and resources: volunteers keep a resource profile, communities post needs, the relay
proposes who fits (with reasons) and fills needs in one step with an optimal assignment."""

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from yilian.relay.api.deps import ChainDep, ClockDep, SessionsDep, SettingsDep, SubmitterDep, require
from yilian.relay.api.matching_schemas import (
    AssignedOut,
    FillIn,
    NeedIn,
    NeedOut,
    NeedProposalOut,
    ProfileIn,
    ProposalOut,
)
from yilian.relay.db.models import ApiKey
from yilian.relay.db.session import transaction
from yilian.relay.matching import fill, service
from yilian.relay.matching.models import Need
from yilian.relay.services.errors import Conflict
from yilian.relay.services.organisers import require_organiser_of

router = APIRouter(prefix="/v1", tags=["needs and resources"])
App = Annotated[ApiKey, Depends(require("app"))]
Organiser = Annotated[ApiKey, Depends(require("organiser"))]
Count = Annotated[int, Query(ge=1, le=100, description="How many proposals")]


@router.put("/volunteers/{app_user_id}/profile", response_model=ProfileIn)
def save_profile(app_user_id: str, body: ProfileIn, sessions: SessionsDep, clock: ClockDep, _: App) -> ProfileIn:
    """Replaces the volunteer's resource profile: where they set out from, how far they go,
    languages, skills with certificate expiry, weekly availability."""
    profile = service.Profile(
        body.latitude, body.longitude, body.travel_radius_m, body.languages,
        {s.skill: s.certified_until for s in body.skills},
        [(w.start_minute, w.end_minute) for w in body.availability],
    )  # fmt: skip
    with transaction(sessions) as db:
        service.save_profile(db=db, app_user_id=app_user_id, profile=profile, now=int(clock()))
    return body


@router.post("/needs", status_code=201, response_model=NeedOut)
def post_need(body: NeedIn, sessions: SessionsDep, organiser: Organiser) -> NeedOut:
    """A community's need (颗粒化需求): what, which skills, where, when, how many people."""
    require_organiser_of(organiser, body.organisation_id)
    need = Need(**body.model_dump(exclude={"skills"}), skills=json.dumps(body.skills), status="open")
    with transaction(sessions) as db:
        return _need_out(db, service.post_need(db=db, need=need))


@router.get("/needs/{need_id}", response_model=NeedOut)
def read_need(
    need_id: int, sessions: SessionsDep, _: Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))]
) -> NeedOut:
    with sessions() as db:
        return _need_out(db, service.get_need(db, need_id))


@router.get("/needs/{need_id}/proposals", response_model=list[ProposalOut])
def propose_volunteers(need_id: int, sessions: SessionsDep, _: Organiser, limit: Count = 20) -> list[ProposalOut]:
    """Volunteers who pass the hard filters, ranked by score, each with the reasons."""
    with sessions() as db:
        found = service.fits(db, service.get_need(db, need_id))[:limit]
    return [ProposalOut(app_user_id=f.app_user_id, score=f.score, distance_m=f.distance_m, reasons=f.reasons())
            for f in found]  # fmt: skip


@router.get("/volunteers/{app_user_id}/proposals", response_model=list[NeedProposalOut])
def propose_needs(
    app_user_id: str, sessions: SessionsDep, clock: ClockDep, _: App, limit: Count = 20
) -> list[NeedProposalOut]:
    """Open needs the volunteer fits, best first: the volunteer's side of matching."""
    with sessions() as db:
        found = service.needs_for(db=db, app_user_id=app_user_id, now=int(clock()), limit=limit)
        return [NeedProposalOut(need=_need_out(db, need), score=fit.score, reasons=fit.reasons())
                for need, fit in found]  # fmt: skip


@router.post("/needs/{need_id}/fill", response_model=NeedOut)
def fill_need(
    need_id: int, body: FillIn, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, organiser: Organiser,
) -> NeedOut:  # fmt: skip
    """Fills the need in one step (best volunteers, nobody double-booked) and turns it into an
    activity whose places the assigned volunteers hold: 409 `no_volunteer_fits` when nobody does."""
    with sessions() as db:
        require_organiser_of(organiser, service.get_need(db, need_id).organisation_id)
    [(need, _)] = fill.fill_needs(
        sessions=sessions, chain=chain, submitter=submitter, need_ids=[need_id],
        points_per_hour=body.points_per_hour, timeout_s=settings.receipt_timeout_s,
    )  # fmt: skip
    if need.status == "open":
        raise Conflict(f"no volunteer fits need {need_id} now", code="no_volunteer_fits")
    with sessions() as db:
        return _need_out(db, need)


@router.post("/organisations/{organisation_id}/needs/fill", response_model=list[NeedOut])
def fill_open_needs(
    organisation_id: int, body: FillIn, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, clock: ClockDep, organiser: Organiser,
) -> list[NeedOut]:  # fmt: skip
    """Fills every open, future need of the organisation with one optimal assignment: the most
    places filled, then the highest total score, each volunteer in at most one of them."""
    require_organiser_of(organiser, organisation_id)
    with sessions() as db:
        need_ids = service.open_needs(db=db, organisation_id=organisation_id, now=int(clock()))
    filled = fill.fill_needs(
        sessions=sessions, chain=chain, submitter=submitter, need_ids=need_ids,
        points_per_hour=body.points_per_hour, timeout_s=settings.receipt_timeout_s,
    )  # fmt: skip
    with sessions() as db:
        return [_need_out(db, need) for need, _ in filled]


def _need_out(db: Session, need: Need) -> NeedOut:
    assigned = [AssignedOut(app_user_id=user, score=score) for user, score in service.assigned(db, need.id)]
    return NeedOut(
        id=need.id, organisation_id=need.organisation_id, title=need.title, category=need.category,
        skills=json.loads(need.skills), language=need.language, latitude=need.latitude,
        longitude=need.longitude, starts_at=need.starts_at, ends_at=need.ends_at, head_count=need.head_count,
        status=need.status, activity_id=need.activity_id, assigned=assigned,
    )  # fmt: skip
