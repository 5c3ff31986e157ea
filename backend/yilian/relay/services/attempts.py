"""No guessing: failed sign-in codes and face checks are counted in the database over a sliding
window — per volunteer, per activity and per API key, so every replica agrees — and at the limit
further check-ins and check-outs get 429 `too_many_attempts` with `Retry-After` until the window
moves on or an organiser of the activity lifts the lock-out. A face assertion presented with a
failing attempt is spent: the next guess needs a new face match."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, ScalarSelect, bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from yilian.relay.config import Settings
from yilian.relay.db.models import FailedAttempt, SpentFaceNonce, Volunteer
from yilian.relay.db.session import transaction
from yilian.relay.services.errors import RateLimited
from yilian.relay.verification import CheckInRejected


class TooManyAttempts(RateLimited):
    code = "too_many_attempts"


@dataclass(frozen=True)
class Attempt:
    """Who tried what where: attached to the rejection as `error.attempt` for `counting_failures`."""

    volunteer_id: int
    activity_id: int
    kind: str  # code | face
    face_nonce: str | None


@dataclass(frozen=True)
class Lockout:
    app_user_id: str
    failures: int
    retry_after: int  # 0: not locked


def _limits(settings: Settings) -> list[tuple[int, str]]:
    """The three windows' limits, in the order of `window_columns`."""
    return [
        (settings.max_failures_per_volunteer, "volunteer"),
        (settings.max_failures_per_activity, "activity"),
        (settings.max_failures_per_api_key, "API key"),
    ]


def require_not_locked(
    db: Session, settings: Settings, *, volunteer_id: int, activity_id: int, api_key_id: int, now: int
) -> None:
    """Raises TooManyAttempts while any of the three windows holds its limit of failures."""
    since = now - settings.attempt_window_s
    parameters = {"volunteer_id": volunteer_id, "activity_id": activity_id, "api_key_id": api_key_id, "since": since}
    raise_if_locked(settings, db.execute(select(*window_columns(limits(settings))), parameters).one(), now)


def limits(settings: Settings) -> tuple[int, ...]:
    return tuple(limit for limit, _ in _limits(settings))


def window_columns(
    limits: tuple[int, ...], volunteer: ColumnElement[int] | None = None, activity: ColumnElement[int] | None = None
) -> list[ScalarSelect[int]]:
    """Per window (volunteer, activity, API key; `limits` in that order): the time of the limit-th most recent unlifted
    failure, NULL while there are fewer. Bound by `api_key_id`, `since` (the window's start) and,
    unless given as columns of an enclosing query, `volunteer_id` and `activity_id`: a check-in
    reads them in the statement that reads its other facts."""
    values: tuple[ColumnElement[int], ...] = (
        bindparam("volunteer_id") if volunteer is None else volunteer,
        bindparam("activity_id") if activity is None else activity,
        bindparam("api_key_id"),
    )
    columns = (FailedAttempt.volunteer_id, FailedAttempt.activity_id, FailedAttempt.api_key_id)
    unlifted_since = (FailedAttempt.at > bindparam("since"), FailedAttempt.lifted_at.is_(None))
    return [
        select(FailedAttempt.at)
        .where(column == value, *unlifted_since)
        .order_by(FailedAttempt.at.desc())
        .limit(1)
        .offset(limit - 1)
        .scalar_subquery()
        for column, value, limit in zip(columns, values, limits, strict=True)
    ]


def raise_if_locked(settings: Settings, limit_times: Sequence[int | None], now: int) -> None:
    """`limit_times`: what `window_columns` read; locked until the oldest of those failures leaves the window."""
    for (limit, what), at in zip(_limits(settings), limit_times, strict=True):
        if at is not None:
            retry_after = max(1, at + settings.attempt_window_s - now)
            raise TooManyAttempts(
                f"{limit} failed sign-in attempts for this {what} within {settings.attempt_window_s} s; "
                f"try again in {retry_after} s or ask the organiser to lift the lock-out",
                retry_after=retry_after,
            )


def _retry_after(db: Session, settings: Settings, condition, limit: int, now: int) -> int:  # type: ignore[no-untyped-def]
    """Seconds until fewer than `limit` unlifted failures remain in the window; 0: not locked."""
    recent = select(FailedAttempt.at).where(
        condition, FailedAttempt.at > now - settings.attempt_window_s, FailedAttempt.lifted_at.is_(None)
    )
    times = list(db.scalars(recent.order_by(FailedAttempt.at.desc()).limit(limit)))
    if len(times) < limit:
        return 0
    return max(1, times[-1] + settings.attempt_window_s - now)


@contextmanager
def counting_failures(sessions: sessionmaker[Session], api_key_id: int, now: int) -> Iterator[None]:
    """Records a rejection that carries an `attempt` after its request's transaction rolled back."""
    try:
        yield
    except CheckInRejected as error:
        attempt: Attempt | None = getattr(error, "attempt", None)
        if attempt is not None:
            _record(sessions, attempt, api_key_id, now)
        raise


def _record(sessions: sessionmaker[Session], attempt: Attempt, api_key_id: int, now: int) -> None:
    with transaction(sessions) as db:
        db.add(
            FailedAttempt(
                volunteer_id=attempt.volunteer_id, activity_id=attempt.activity_id,
                api_key_id=api_key_id, kind=attempt.kind, at=now,
            )
        )  # fmt: skip
        if attempt.face_nonce and db.get(SpentFaceNonce, attempt.face_nonce) is None:
            db.add(SpentFaceNonce(nonce=attempt.face_nonce, purpose="failed_attempt", spent_at=now))


def lockouts(db: Session, settings: Settings, activity_id: int, now: int) -> list[Lockout]:
    """Volunteers with unlifted failures at the activity in the window, and whether they are locked."""
    rows = db.execute(
        select(Volunteer.id, Volunteer.app_user_id, func.count())
        .join(FailedAttempt, FailedAttempt.volunteer_id == Volunteer.id)
        .where(
            FailedAttempt.activity_id == activity_id,
            FailedAttempt.at > now - settings.attempt_window_s,
            FailedAttempt.lifted_at.is_(None),
        )
        .group_by(Volunteer.id, Volunteer.app_user_id)
        .order_by(Volunteer.app_user_id)
    ).all()
    limit = settings.max_failures_per_volunteer
    return [
        Lockout(app_user_id, count, _retry_after(db, settings, FailedAttempt.volunteer_id == volunteer_id, limit, now))
        for volunteer_id, app_user_id, count in rows
    ]


def lift(db: Session, activity_id: int, volunteer_id: int | None, now: int) -> int:
    """Lifts the activity's failures (of one volunteer, or all); returns how many were lifted."""
    condition = [FailedAttempt.activity_id == activity_id, FailedAttempt.lifted_at.is_(None)]
    if volunteer_id is not None:
        condition.append(FailedAttempt.volunteer_id == volunteer_id)
    lifted = db.execute(update(FailedAttempt).where(*condition).values(lifted_at=now))
    return cast(CursorResult[Any], lifted).rowcount
