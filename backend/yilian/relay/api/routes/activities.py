"""Organisations and activities, and the rotating sign-in code for the organiser's screen."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends

from yilian.relay.api import examples
from yilian.relay.api.deps import ChainDep, ClockDep, SessionsDep, SettingsDep, SubmitterDep, require
from yilian.relay.api.openapi import CHAIN_WRITE, READ_ONE
from yilian.relay.api.presenters import activity_out
from yilian.relay.api.schemas import ActivityIn, ActivityOut, OrganisationIn, OrganisationOut, SigninCodeOut
from yilian.relay.api.types import ChainIdPath
from yilian.relay.db.models import ApiKey
from yilian.relay.services import activities
from yilian.relay.verification import current_code

router = APIRouter(prefix="/v1", tags=["organisations and activities"])
Organiser = Annotated[ApiKey, Depends(require("organiser"))]
ActivityBody = Annotated[ActivityIn, Body(openapi_examples=examples.ACTIVITY)]


@router.post("/organisations", status_code=201, response_model=OrganisationOut, responses=CHAIN_WRITE)
def create_organisation(
    body: OrganisationIn, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, _: Annotated[ApiKey, Depends(require("admin"))],
) -> OrganisationOut:  # fmt: skip
    """Creates an organisation (a volunteer team) on chain; the relay manages its activities."""
    organisation = activities.create_organisation(
        sessions, chain, submitter, name=body.name, timeout_s=settings.receipt_timeout_s
    )
    return OrganisationOut(id=organisation.id, name=organisation.name, profile_hash=organisation.profile_hash)


@router.post("/activities", status_code=201, response_model=ActivityOut, responses=CHAIN_WRITE)
def create_activity(
    body: ActivityBody, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, _: Organiser,
) -> ActivityOut:  # fmt: skip
    """Creates an activity with its time window, geofence, per-volunteer cap and points per hour."""
    terms = activities.ActivityTerms(
        organisation_id=body.organisation_id, name=body.name, category=body.category,
        starts_at=body.starts_at, ends_at=body.ends_at, latitude=body.geofence.latitude,
        longitude=body.geofence.longitude, radius_m=body.geofence.radius_m,
        minute_cap=body.minute_cap, points_per_hour=body.points_per_hour,
    )  # fmt: skip
    return activity_out(activities.create_activity(sessions, chain, submitter, terms, settings.receipt_timeout_s))


@router.get("/activities/{activity_id}", response_model=ActivityOut, responses=READ_ONE)
def read_activity(
    activity_id: ChainIdPath,
    sessions: SessionsDep,
    _: Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))],
) -> ActivityOut:
    with sessions() as session:
        return activity_out(activities.get_activity(session, activity_id))


@router.post("/activities/{activity_id}/close", response_model=ActivityOut, responses=CHAIN_WRITE)
def close_activity(
    activity_id: ChainIdPath, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, _: Organiser,
) -> ActivityOut:  # fmt: skip
    """Closes an activity: no more check-ins; on chain its window ends now."""
    return activity_out(activities.close_activity(sessions, chain, submitter, activity_id, settings.receipt_timeout_s))


@router.get("/activities/{activity_id}/signin-code", response_model=SigninCodeOut, responses=READ_ONE)
def signin_code(
    activity_id: ChainIdPath, sessions: SessionsDep, settings: SettingsDep, clock: ClockDep, _: Organiser
) -> SigninCodeOut:
    """The code to show at the venue now; it rotates every `signin_period_s` seconds."""
    with sessions() as session:
        activity = activities.get_activity(session, activity_id)
    code, valid_until = current_code(activity.signin_secret, int(clock()), settings.signin_period_s)
    return SigninCodeOut(code=code, valid_until=valid_until)
