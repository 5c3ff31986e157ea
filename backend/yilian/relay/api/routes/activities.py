"""Organisations and activities, and the rotating sign-in code for the organiser's screen.

An organiser key belongs to one organisation: it creates, reads and closes that organisation's
activities and reads their codes; anything else is 403 `other_organisation`."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends

from yilian.relay.api import examples
from yilian.relay.api.deps import ChainDep, ClockDep, SessionsDep, SettingsDep, SubmitterDep, require
from yilian.relay.api.openapi import CHAIN_WRITE, READ_ONE
from yilian.relay.api.presenters import activity_out
from yilian.relay.api.schemas import ActivityIn, ActivityOut, OrganisationIn, OrganisationOut, SigninCodeOut, SkillsIn
from yilian.relay.api.types import ChainIdPath
from yilian.relay.db.models import ApiKey
from yilian.relay.db.session import transaction
from yilian.relay.services import activities
from yilian.relay.services.access import require_activity_access, require_organisation
from yilian.relay.services.skills import needed_skills, set_needed_skills
from yilian.relay.verification import current_code

router = APIRouter(prefix="/v1", tags=["organisations and activities"])
Organiser = Annotated[ApiKey, Depends(require("organiser"))]
ActivityBody = Annotated[ActivityIn, Body(openapi_examples=examples.ACTIVITY)]


@router.post("/organisations", status_code=201, response_model=OrganisationOut, responses=CHAIN_WRITE)
def create_organisation(
    body: OrganisationIn, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, _: Annotated[ApiKey, Depends(require("admin"))],
) -> OrganisationOut:  # fmt: skip
    """Creates an organisation (a volunteer team) on chain; the relay manages its activities and
    creates the organisation's own attester key (encrypted at rest), registered on chain as its
    attester: the ledger accepts the organisation's sessions under no other organisation's key."""
    organisation = activities.create_organisation(
        sessions, chain, submitter, name=body.name, custody_password=settings.custody_password,
        timeout_s=settings.receipt_timeout_s,
    )  # fmt: skip
    return OrganisationOut(id=organisation.id, name=organisation.name, profile_hash=organisation.profile_hash)


@router.post("/activities", status_code=201, response_model=ActivityOut, responses=CHAIN_WRITE)
def create_activity(
    body: ActivityBody, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, key: Organiser,
) -> ActivityOut:  # fmt: skip
    """Creates an activity with its time window, geofence, per-volunteer cap and points per hour,
    in the organiser key's own organisation (403 `other_organisation` otherwise). Points per hour
    above the registry's ceiling (set by the chain's admin) are refused with 422
    `points_above_ceiling`, and skill codes the district does not know with 422 `unknown_skill`,
    before anything is sent."""
    require_organisation(key, body.organisation_id)
    terms = activities.ActivityTerms(
        organisation_id=body.organisation_id, name=body.name, category=body.category,
        starts_at=body.starts_at, ends_at=body.ends_at, latitude=body.geofence.latitude,
        longitude=body.geofence.longitude, radius_m=body.geofence.radius_m,
        minute_cap=body.minute_cap, points_per_hour=body.points_per_hour,
        face_at_check_out=body.face_at_check_out,
    )  # fmt: skip
    created = activities.create_activity(sessions, chain, submitter, terms, settings.receipt_timeout_s, body.skills)
    return activity_out(created, sorted(set(body.skills)))


@router.get("/activities/{activity_id}", response_model=ActivityOut, responses=READ_ONE)
def read_activity(
    activity_id: ChainIdPath,
    sessions: SessionsDep,
    key: Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))],
) -> ActivityOut:
    """An activity; an organiser key reads only its own organisation's."""
    with sessions() as session:
        activity = activities.get_activity(session, activity_id)
        skills = needed_skills(session, [activity_id])[activity_id]
    require_activity_access(key, activity)
    return activity_out(activity, skills)


@router.put("/activities/{activity_id}/skills", response_model=ActivityOut, responses=READ_ONE)
def set_skills(activity_id: ChainIdPath, body: SkillsIn, sessions: SessionsDep, key: Organiser) -> ActivityOut:
    """Replaces the skills an activity of the key's organisation needs (the discover list filters
    on them); 422 `unknown_skill` for a code the district does not know."""
    with transaction(sessions) as session:
        activity = activities.get_activity(session, activity_id)
        require_activity_access(key, activity)
        skills = sorted(set_needed_skills(session, activity_id, body.skills))
    return activity_out(activity, skills)


@router.post("/activities/{activity_id}/close", response_model=ActivityOut, responses=CHAIN_WRITE)
def close_activity(
    activity_id: ChainIdPath, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, key: Organiser,
) -> ActivityOut:  # fmt: skip
    """Closes an activity of the key's organisation: no more check-ins; on chain its window ends now."""
    with sessions() as db:
        require_activity_access(key, activities.get_activity(db, activity_id))
    closed = activities.close_activity(sessions, chain, submitter, activity_id, settings.receipt_timeout_s)
    with sessions() as db:
        return activity_out(closed, needed_skills(db, [activity_id])[activity_id])


@router.get("/activities/{activity_id}/signin-code", response_model=SigninCodeOut, responses=READ_ONE)
def signin_code(
    activity_id: ChainIdPath, sessions: SessionsDep, settings: SettingsDep, clock: ClockDep, key: Organiser
) -> SigninCodeOut:
    """The code to show at the venue now; it rotates every `signin_period_s` seconds. Only for
    the activity's own organisation."""
    with sessions() as session:
        activity = activities.get_activity(session, activity_id)
    require_activity_access(key, activity)
    code, valid_until = current_code(activity.signin_secret, int(clock()), settings.signin_period_s)
    return SigninCodeOut(code=code, valid_until=valid_until)
