"""Sign-up rules. Volunteers sign up and cancel; organisers set the terms, approve, reject and
record no-shows. Every function runs inside the caller's transaction (`db`)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yilian.relay.db.models import Activity, ApiKey, CheckIn, Volunteer
from yilian.relay.services.activities import get_activity
from yilian.relay.services.errors import Conflict, Forbidden, NotFound, Unprocessable
from yilian.relay.services.organisers import require_organiser_of
from yilian.relay.services.volunteers import get_volunteer
from yilian.relay.signup.models import Signup, SignupTerms
from yilian.relay.signup.places import free_place, take_place

LIVE = ("pending", "approved", "waitlisted")  # a sign-up that holds or seeks a place


@dataclass(frozen=True)
class Terms:
    places: int | None
    deadline: int | None
    mode: str
    requires_signup: bool


def set_terms(*, db: Session, organiser: ApiKey, activity_id: int, terms: Terms) -> SignupTerms:
    activity = _managed_activity(db, organiser, activity_id)
    if terms.deadline is not None and terms.deadline > activity.ends_at:
        raise Unprocessable("the sign-up deadline is after the activity ends", code="invalid_signup_deadline")
    row = db.get(SignupTerms, activity_id) or SignupTerms(activity_id=activity_id, places_taken=0)
    if terms.places is not None and terms.places < row.places_taken:
        raise Conflict(
            f"{row.places_taken} places are taken already; cancel or reject sign-ups first",
            code="places_below_taken",
        )
    row.places, row.deadline, row.mode, row.requires_signup = (
        terms.places, terms.deadline, terms.mode, terms.requires_signup,
    )  # fmt: skip
    db.add(row)
    db.flush()
    return row


def sign_up(*, db: Session, activity_id: int, app_user_id: str, now: int, waitlist: bool) -> Signup:
    """Open mode: approved while places last, then on the waiting list (or refused with
    `activity_full` when `waitlist` is false). Reviewed mode: pending until the organiser decides."""
    volunteer = get_volunteer(db, app_user_id)
    if volunteer.status != "active":
        raise Forbidden(f"volunteer {app_user_id!r} is suspended", code="volunteer_suspended")
    terms = _accepting(db, activity_id, now)
    signup = _fresh_signup(db, activity_id, volunteer, now)  # pending: what reviewed mode wants
    _flush_once(db)
    if terms.mode == "reviewed":
        return signup
    if take_place(db, activity_id):
        signup.status, signup.decided_at = "approved", now
    elif waitlist:
        signup.status = "waitlisted"
    else:
        raise Conflict(f"activity {activity_id} has no free place", code="activity_full")
    return signup


def cancel(*, db: Session, activity_id: int, app_user_id: str, now: int) -> Signup:
    signup = _signup_of(db, activity_id, get_volunteer(db, app_user_id))
    if signup.status not in LIVE:
        raise Conflict(f"the sign-up is {signup.status}; nothing to cancel", code="signup_not_live")
    if now >= get_activity(db, activity_id).ends_at:
        raise Conflict(f"activity {activity_id} is over", code="activity_ended")
    _withdraw(db, signup, "cancelled", now)
    return signup


def decide(
    *, db: Session, organiser: ApiKey, activity_id: int, app_user_id: str, approve: bool,
    reason: str | None, now: int,
) -> Signup:  # fmt: skip
    """Approving takes a place (`activity_full` when none is left); rejecting, with a reason,
    gives an approved volunteer's place to the next on the waiting list."""
    _managed_activity(db, organiser, activity_id)
    signup = _signup_of(db, activity_id, get_volunteer(db, app_user_id))
    if approve:
        if signup.status not in ("pending", "waitlisted"):
            raise Conflict(f"the sign-up is {signup.status}; nothing to approve", code="signup_not_pending")
        if not take_place(db, activity_id):
            raise Conflict(f"activity {activity_id} has no free place", code="activity_full")
        signup.status, signup.decided_at = "approved", now
        return signup
    if signup.status not in LIVE:
        raise Conflict(f"the sign-up is {signup.status}; nothing to reject", code="signup_not_live")
    signup.reason = reason
    _withdraw(db, signup, "rejected", now)
    return signup


def record_no_shows(*, db: Session, organiser: ApiKey, activity_id: int, now: int) -> list[tuple[Signup, str]]:
    """After the activity ends: approved sign-ups with no check-in become `no_show`."""
    activity = _managed_activity(db, organiser, activity_id)
    if now < activity.ends_at:
        raise Conflict(f"activity {activity_id} is not over yet", code="activity_not_over")
    checked_in = exists().where(CheckIn.activity_id == activity_id, CheckIn.volunteer_id == Signup.volunteer_id)
    absent = db.execute(
        select(Signup, Volunteer.app_user_id)
        .join(Volunteer)
        .where(Signup.activity_id == activity_id, Signup.status == "approved", ~checked_in)
    )
    recorded = [(signup, user) for signup, user in absent]
    for signup, _ in recorded:
        signup.status, signup.decided_at = "no_show", now
    return recorded


def signups_of_activity(
    *, db: Session, organiser: ApiKey, activity_id: int, status: str | None, after: list[Any] | None, limit: int
) -> list[tuple[Signup, str]]:
    """(sign-up, app user id) in order of sign-up."""
    _managed_activity(db, organiser, activity_id)
    query = select(Signup, Volunteer.app_user_id).join(Volunteer).where(Signup.activity_id == activity_id)
    return _page(db, query, status, after, limit)


def signups_of_volunteer(
    *, db: Session, app_user_id: str, status: str | None, after: list[Any] | None, limit: int
) -> list[tuple[Signup, str]]:
    volunteer = get_volunteer(db, app_user_id)
    query = select(Signup, Volunteer.app_user_id).join(Volunteer).where(Signup.volunteer_id == volunteer.id)
    return _page(db, query, status, after, limit)


def require_signed_up(activity_id: int, *, required: bool, approved: bool) -> None:
    """The check-in rule: where the activity requires sign-up, only an approved sign-up checks in
    (`required` and `approved` as the check-in read them: services.checkin_facts)."""
    if required and not approved:
        raise Forbidden(f"activity {activity_id} needs an approved sign-up to check in", code="not_signed_up")


def _page(db: Session, query: Any, status: str | None, after: list[Any] | None, limit: int) -> list:
    if status is not None:
        query = query.where(Signup.status == status)
    if after is not None:
        query = query.where(Signup.id > after[0])
    return [(signup, user) for signup, user in db.execute(query.order_by(Signup.id).limit(limit))]


def _accepting(db: Session, activity_id: int, now: int) -> SignupTerms:
    activity = get_activity(db, activity_id)
    terms = db.get(SignupTerms, activity_id)
    if terms is None:
        raise Conflict(f"activity {activity_id} takes no sign-ups: anyone may come", code="signup_not_offered")
    if activity.status != "open" or now >= activity.ends_at:
        raise Conflict(f"activity {activity_id} is closed", code="activity_closed")
    if terms.deadline is not None and now > terms.deadline:
        raise Conflict(f"sign-up for activity {activity_id} closed at {terms.deadline}", code="signup_deadline_passed")
    return terms


def _fresh_signup(db: Session, activity_id: int, volunteer: Volunteer, now: int) -> Signup:
    """A new sign-up, or the volunteer's cancelled one taken up again (joining the queue anew)."""
    signup = db.scalar(
        select(Signup).where(Signup.activity_id == activity_id, Signup.volunteer_id == volunteer.id).with_for_update()
    )
    if signup is None:
        signup = Signup(activity_id=activity_id, volunteer_id=volunteer.id)
        db.add(signup)
    elif signup.status in LIVE:
        raise Conflict("the volunteer is signed up already", code="already_signed_up")
    elif signup.status != "cancelled":
        raise Conflict(f"the volunteer's sign-up was {signup.status}", code=f"signup_{signup.status}")
    signup.status, signup.created_at, signup.decided_at, signup.reason = "pending", now, None, None
    return signup


def _flush_once(db: Session) -> None:
    # Two requests of one volunteer at once: the unique (activity, volunteer) lets one in.
    try:
        db.flush()
    except IntegrityError:
        raise Conflict("the volunteer is signed up already", code="already_signed_up") from None


def _withdraw(db: Session, signup: Signup, status: str, now: int) -> None:
    held_place = signup.status == "approved"
    signup.status, signup.decided_at = status, now
    db.flush()
    if held_place:
        free_place(db, signup.activity_id, now)


def _signup_of(db: Session, activity_id: int, volunteer: Volunteer) -> Signup:
    signup = db.scalar(select(Signup).where(Signup.activity_id == activity_id, Signup.volunteer_id == volunteer.id))
    if signup is None:
        raise NotFound(
            f"{volunteer.app_user_id!r} has not signed up for activity {activity_id}", code="signup_not_found"
        )
    return signup


def _managed_activity(db: Session, organiser: ApiKey, activity_id: int) -> Activity:
    activity = get_activity(db, activity_id)
    require_organiser_of(organiser, activity.organisation_id)
    return activity
