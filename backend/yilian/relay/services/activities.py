"""Organisations and activities: created on chain first, then recorded with the chain's ids."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from web3.exceptions import Web3Exception

from yilian.chain.eip712 import keccak256
from yilian.relay.db.models import Activity, Organisation
from yilian.relay.db.session import transaction
from yilian.relay.services.attesters import create_relay_attester
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.chain_calls import send_and_wait
from yilian.relay.services.errors import ChainUnavailable, Conflict, NotFound, Unprocessable
from yilian.relay.services.skills import checked_skills, set_needed_skills
from yilian.relay.services.transactions import Submitter
from yilian.relay.verification import new_secret


@dataclass(frozen=True)
class ActivityTerms:
    organisation_id: int
    name: str
    category: int
    starts_at: int
    ends_at: int
    latitude: float
    longitude: float
    radius_m: float
    minute_cap: int
    points_per_hour: int
    face_at_check_out: bool = False


def create_organisation(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, *, name: str,
    custody_password: str, timeout_s: float,
) -> Organisation:  # fmt: skip
    """Creates the organisation on chain, makes the relay its manager and gives it an attester
    key of its own, so its sessions are signed under no other organisation's key."""
    profile_hash = keccak256(name.encode())
    receipt = send_and_wait(
        sessions, submitter, "create_organisation", chain.registry.functions.createOrganisation(profile_hash), timeout_s
    )
    organisation_id = chain.registry.events.OrganisationCreated().process_receipt(receipt)[0].args.organisationId
    # The relay runs the organisation's activities on its organisers' behalf.
    manage = chain.registry.functions.addOrganisationManager(organisation_id, submitter.account.address)
    send_and_wait(sessions, submitter, "add_organisation_manager", manage, timeout_s)
    with transaction(sessions) as session:
        organisation = Organisation(id=organisation_id, name=name, profile_hash="0x" + profile_hash.hex())
        session.add(organisation)
    create_relay_attester(
        sessions, chain, submitter, organisation_id=organisation_id, custody_password=custody_password,
        timeout_s=timeout_s,
    )  # fmt: skip
    return organisation


def create_activity(
    sessions: sessionmaker[Session],
    chain: RelayChain,
    submitter: Submitter,
    terms: ActivityTerms,
    timeout_s: float,
    skills: Sequence[str] = (),
) -> Activity:
    """Creates the activity on chain, then records it with the skills it needs (codes checked first)."""
    _validate(terms)
    checked_skills(skills)
    with sessions() as session:
        if session.get(Organisation, terms.organisation_id) is None:
            raise NotFound(f"no organisation {terms.organisation_id}", code="organisation_not_found")
    _within_points_ceiling(chain, terms.points_per_hour)
    call = chain.registry.functions.createActivity(
        terms.organisation_id, terms.category, terms.starts_at, terms.ends_at, terms.minute_cap, terms.points_per_hour
    )
    receipt = send_and_wait(sessions, submitter, "create_activity", call, timeout_s)
    activity_id = chain.registry.events.ActivityCreated().process_receipt(receipt)[0].args.activityId
    with transaction(sessions) as session:
        activity = Activity(id=activity_id, signin_secret=new_secret(), status="open", **terms.__dict__)
        session.add(activity)
        session.flush()
        set_needed_skills(session, activity_id, skills)
    return activity


def close_activity(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, activity_id: int, timeout_s: float
) -> Activity:
    with sessions() as session:
        activity = get_activity(session, activity_id)
        if activity.status != "open":
            raise Conflict(f"activity {activity_id} is already closed", code="activity_closed")
    receipt = send_and_wait(
        sessions, submitter, "close_activity", chain.registry.functions.closeActivity(activity_id), timeout_s
    )
    ends_at = chain.registry.events.ActivityClosed().process_receipt(receipt)[0].args.endsAt
    with transaction(sessions) as session:
        activity = get_activity(session, activity_id)
        activity.status, activity.ends_at = "closed", ends_at
    return activity


def get_activity(session: Session, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFound(f"no activity {activity_id}", code="activity_not_found")
    return activity


def _within_points_ceiling(chain: RelayChain, points_per_hour: int) -> None:
    """The registry's ceiling, read from the chain: the registry would refuse the activity too."""
    try:
        ceiling = chain.registry.functions.pointsCeiling().call()
    except (Web3Exception, OSError) as error:
        raise ChainUnavailable(f"the chain is not reachable ({type(error).__name__})") from error
    if points_per_hour > ceiling:
        raise Unprocessable(
            f"{points_per_hour} 益币 per hour is above the ceiling of {ceiling}", code="points_above_ceiling"
        )


def _validate(terms: ActivityTerms) -> None:
    if terms.ends_at <= terms.starts_at:
        raise Unprocessable("the activity must end after it starts", code="invalid_activity_window")
    if terms.minute_cap <= 0 or terms.radius_m <= 0:
        raise Unprocessable("minute cap and geofence radius must be positive", code="invalid_activity_terms")
    if not (-90 <= terms.latitude <= 90 and -180 <= terms.longitude <= 180):
        raise Unprocessable("the geofence centre is not a valid location", code="invalid_location")
