"""A filled need becomes an activity: its volunteers are recorded as assigned, the activity is
created on chain with the need's time, place and category, and each assigned volunteer holds an
approved sign-up for it, so check-in, check-out and attestation run as for any activity."""

import json
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from yilian.relay.db.session import transaction
from yilian.relay.matching.assign import assign
from yilian.relay.matching.models import Assignment, Need
from yilian.relay.matching.pool import load_pool
from yilian.relay.matching.score import Fit
from yilian.relay.matching.service import assigned, get_need, within_reach
from yilian.relay.services import activities
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.errors import Conflict
from yilian.relay.services.transactions import Submitter
from yilian.relay.signup.models import Signup, SignupTerms

VENUE_RADIUS_M = 200.0  # the activity's geofence around the need's point
SHORTLIST_PER_PLACE = 10
FILL_LOCK = 0x59494C4E  # advisory lock key of fills ("YILN")


def fill_needs(
    *, sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, need_ids: Sequence[int],
    points_per_hour: int, timeout_s: float,
) -> list[tuple[Need, list[tuple[str, float]]]]:  # fmt: skip
    """Assigns volunteers to every open need of `need_ids` at once (a need nobody fits stays open;
    one with fewer fitting volunteers than its head count is filled as far as it goes), then turns
    each filled need into an activity. A need filled earlier whose activity is missing (the chain
    failed) gets it now."""
    with transaction(sessions) as db:
        _one_fill_at_a_time(db)
        needs = [get_need(db, need_id) for need_id in need_ids]
        open_needs = [need for need in needs if need.status == "open"]
        chosen = assign(open_needs, shortlists(db, open_needs))
        for need in open_needs:
            _record(db, need, chosen[need.id])
    for need in needs:
        if need.activity_id is None and need.status == "filled":
            _become_activity(sessions, chain, submitter, need, points_per_hour, timeout_s)
    with sessions() as db:
        return [(get_need(db, need.id), assigned(db, need.id)) for need in needs]


def shortlists(db: Session, needs: Sequence[Need]) -> dict[int, list[Fit]]:
    """Each need's best candidates, `SHORTLIST_PER_PLACE` per place: what the solver weighs. A
    volunteer past them is not needed to fill the places unless many needs compete for the same
    few people, and leaving them out keeps a district-wide fill small. One pool serves them all."""
    if not needs:
        return {}
    pool = load_pool(db, within_reach(needs))
    return {need.id: pool.fits(need, SHORTLIST_PER_PLACE * need.head_count) for need in needs}


def _one_fill_at_a_time(db: Session) -> None:
    """Fills read the assignments they must not overlap, then add their own: they run one at a
    time (SQLite's write lock does it already; on PostgreSQL a transaction-scoped advisory lock)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FILL_LOCK})


def _record(db: Session, need: Need, picked: list[Fit]) -> None:
    if not picked:
        return  # stays open: nobody fits it now
    taken = db.execute(
        update(Need).where(Need.id == need.id, Need.status == "open").values(status="filled")
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if cast(CursorResult[Any], taken).rowcount != 1:
        raise Conflict(f"need {need.id} was filled meanwhile", code="need_filled")
    need.status = "filled"
    db.add_all(
        Assignment(
            need_id=need.id,
            volunteer_id=fit.volunteer_id,
            starts_at=need.starts_at,
            ends_at=need.ends_at,
            score=fit.score,
        )  # fmt: skip
        for fit in picked
    )


def _become_activity(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, need: Need, points_per_hour: int,
    timeout_s: float,
) -> None:  # fmt: skip
    terms = activities.ActivityTerms(
        organisation_id=need.organisation_id, name=need.title, category=need.category, starts_at=need.starts_at,
        ends_at=need.ends_at, latitude=need.latitude, longitude=need.longitude, radius_m=VENUE_RADIUS_M,
        minute_cap=(need.ends_at - need.starts_at) // 60, points_per_hour=points_per_hour,
    )  # fmt: skip
    activity = activities.create_activity(sessions, chain, submitter, terms, timeout_s, json.loads(need.skills))
    with transaction(sessions) as db:
        assigned = _assignments(db, need.id)
        db.add(SignupTerms(activity_id=activity.id, places=need.head_count, places_taken=len(assigned),
                           mode="reviewed", requires_signup=True))  # fmt: skip
        db.add_all(
            Signup(
                activity_id=activity.id,
                volunteer_id=a.volunteer_id,
                status="approved",
                created_at=activity.starts_at,
                decided_at=activity.starts_at,
            )  # fmt: skip
            for a in assigned
        )
        db.execute(update(Need).where(Need.id == need.id).values(activity_id=activity.id))
    need.activity_id = activity.id


def _assignments(db: Session, need_id: int) -> list[Assignment]:
    return list(db.scalars(select(Assignment).where(Assignment.need_id == need_id).order_by(Assignment.score.desc())))
