"""Places of an activity: taken and freed by conditional UPDATEs on one counter, which the database
applies one at a time per activity (a row lock on PostgreSQL, the write lock on SQLite), so the
last place goes to exactly one volunteer however many race for it."""

from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from yilian.relay.signup.models import Signup, SignupTerms


def take_place(db: Session, activity_id: int) -> bool:
    """True when a place was free and is now taken."""
    taken = db.execute(
        update(SignupTerms)
        .where(
            SignupTerms.activity_id == activity_id,
            or_(SignupTerms.places.is_(None), SignupTerms.places_taken < SignupTerms.places),
        )
        .values(places_taken=SignupTerms.places_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], taken).rowcount == 1


def free_place(db: Session, activity_id: int, now: int) -> Signup | None:
    """Gives a place back; in open mode the longest-waiting volunteer moves up into it (returned)."""
    db.execute(
        update(SignupTerms)
        .where(SignupTerms.activity_id == activity_id, SignupTerms.places_taken > 0)
        .values(places_taken=SignupTerms.places_taken - 1)
        .execution_options(synchronize_session=False)
    )
    terms = db.get(SignupTerms, activity_id, populate_existing=True)
    if terms is None or terms.mode != "open":
        return None
    # SKIP LOCKED: two places freed at once move up two different volunteers (PostgreSQL).
    waiting = db.scalar(
        select(Signup)
        .where(Signup.activity_id == activity_id, Signup.status == "waitlisted")
        .order_by(Signup.created_at, Signup.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if waiting is None or not take_place(db, activity_id):
        return None
    waiting.status, waiting.decided_at = "approved", now
    return waiting
