"""Sign-up (报名): organisers set places, deadline and mode; volunteers sign up and cancel;
organisers approve, reject (with a reason) and record no-shows."""

from typing import Annotated, cast

from fastapi import APIRouter, Depends, Query

from yilian.relay.api.deps import ClockDep, SessionsDep, require
from yilian.relay.api.discover_schemas import SignupMode, SignupTermsOut
from yilian.relay.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from yilian.relay.api.signup_schemas import RejectIn, SignupIn, SignupOut, SignupTermsIn, Status, VolunteerRef
from yilian.relay.db.models import ApiKey
from yilian.relay.db.session import transaction
from yilian.relay.signup import service
from yilian.relay.signup.models import Signup

router = APIRouter(prefix="/v1", tags=["sign-up"])
App = Annotated[ApiKey, Depends(require("app"))]
Organiser = Annotated[ApiKey, Depends(require("organiser"))]
StatusFilter = Annotated[Status | None, Query(description="Only sign-ups in this state")]


@router.put("/activities/{activity_id}/signup-terms", response_model=SignupTermsOut)
def set_terms(activity_id: int, body: SignupTermsIn, sessions: SessionsDep, organiser: Organiser) -> SignupTermsOut:
    """Opens an activity to sign-up, or changes its terms (places cannot drop below those taken)."""
    terms = service.Terms(body.places, body.deadline, body.mode, body.requires_signup)
    with transaction(sessions) as db:
        row = service.set_terms(db=db, organiser=organiser, activity_id=activity_id, terms=terms)
    return SignupTermsOut(places=row.places, places_taken=row.places_taken, deadline=row.deadline,
                          mode=cast(SignupMode, row.mode), requires_signup=row.requires_signup)  # fmt: skip


@router.post("/activities/{activity_id}/signups", status_code=201, response_model=SignupOut)
def sign_up(activity_id: int, body: SignupIn, sessions: SessionsDep, clock: ClockDep, _: App) -> SignupOut:
    """Signs a volunteer up: `approved` (open mode, a place was free), `waitlisted` (open mode,
    full) or `pending` (reviewed mode). Refusals: `activity_full`, `activity_closed`,
    `signup_deadline_passed`, `already_signed_up`, `signup_not_offered`."""
    with transaction(sessions) as db:
        signup = service.sign_up(
            db=db, activity_id=activity_id, app_user_id=body.app_user_id, now=int(clock()), waitlist=body.waitlist
        )
    return _out(signup, body.app_user_id)


@router.post("/activities/{activity_id}/signups/cancel", response_model=SignupOut)
def cancel(activity_id: int, body: VolunteerRef, sessions: SessionsDep, clock: ClockDep, _: App) -> SignupOut:
    """The volunteer withdraws; a place freed goes to the longest-waiting volunteer (open mode)."""
    with transaction(sessions) as db:
        signup = service.cancel(db=db, activity_id=activity_id, app_user_id=body.app_user_id, now=int(clock()))
    return _out(signup, body.app_user_id)


@router.post("/activities/{activity_id}/signups/{app_user_id}/approve", response_model=SignupOut)
def approve_signup(
    activity_id: int, app_user_id: str, sessions: SessionsDep, clock: ClockDep, organiser: Organiser
) -> SignupOut:
    """Gives a pending (or waiting) volunteer a place; 409 `activity_full` when none is left."""
    with transaction(sessions) as db:
        signup = service.decide(db=db, organiser=organiser, activity_id=activity_id, app_user_id=app_user_id,
                                approve=True, reason=None, now=int(clock()))  # fmt: skip
    return _out(signup, app_user_id)


@router.post("/activities/{activity_id}/signups/{app_user_id}/reject", response_model=SignupOut)
def reject_signup(
    activity_id: int, app_user_id: str, body: RejectIn, sessions: SessionsDep, clock: ClockDep, organiser: Organiser
) -> SignupOut:
    """Turns a sign-up down with a reason the volunteer sees; an approved one's place moves on."""
    with transaction(sessions) as db:
        signup = service.decide(db=db, organiser=organiser, activity_id=activity_id, app_user_id=app_user_id,
                                approve=False, reason=body.reason, now=int(clock()))  # fmt: skip
    return _out(signup, app_user_id)


@router.get("/activities/{activity_id}/signups", response_model=Page[SignupOut])
def list_for_activity(
    activity_id: int, sessions: SessionsDep, organiser: Organiser, status: StatusFilter = None,
    limit: Limit = 20, cursor: Cursor = None,
) -> Page[SignupOut]:  # fmt: skip
    """The activity's sign-ups in order of sign-up (the waiting list's order)."""
    with sessions() as db:
        rows = service.signups_of_activity(db=db, organiser=organiser, activity_id=activity_id, status=status,
                                           after=decode_cursor(cursor, arity=1), limit=limit + 1)  # fmt: skip
    return _page(rows, limit)


@router.post("/activities/{activity_id}/no-shows", response_model=list[SignupOut])
def record_no_shows(activity_id: int, sessions: SessionsDep, clock: ClockDep, organiser: Organiser) -> list[SignupOut]:
    """After the activity ends: approved volunteers who never checked in become `no_show` (they
    count against reliability in matching). Returns those recorded now."""
    with transaction(sessions) as db:
        absent = service.record_no_shows(db=db, organiser=organiser, activity_id=activity_id, now=int(clock()))
    return [_out(signup, user) for signup, user in absent]


@router.get("/volunteers/{app_user_id}/signups", response_model=Page[SignupOut])
def list_for_volunteer(
    app_user_id: str, sessions: SessionsDep, _: App, status: StatusFilter = None,
    limit: Limit = 20, cursor: Cursor = None,
) -> Page[SignupOut]:  # fmt: skip
    """The volunteer's own sign-ups and their state (with the organiser's reason on rejection)."""
    with sessions() as db:
        rows = service.signups_of_volunteer(db=db, app_user_id=app_user_id, status=status,
                                            after=decode_cursor(cursor, arity=1), limit=limit + 1)  # fmt: skip
    return _page(rows, limit)


def _page(rows: list[tuple[Signup, str]], limit: int) -> Page[SignupOut]:
    kept, next_cursor = page_of(rows, limit, lambda row: [row[0].id])
    return Page(items=[_out(signup, user) for signup, user in kept], next_cursor=next_cursor)


def _out(signup: Signup, app_user_id: str) -> SignupOut:
    return SignupOut(
        id=signup.id, activity_id=signup.activity_id, app_user_id=app_user_id, status=cast(Status, signup.status),
        reason=signup.reason, created_at=signup.created_at, decided_at=signup.decided_at,
    )  # fmt: skip
