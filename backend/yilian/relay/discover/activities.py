"""Activities an app can find: open now or upcoming, by category or organisation, near a point,
needing a skill, with free places. Ordered by (starts_at, id): the keyset the list pages on."""

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from sqlalchemy import ColumnElement, Select, or_, select, tuple_
from sqlalchemy.orm import Session

from yilian.relay.db.models import Activity, ActivitySkill, Organisation
from yilian.relay.services.skills import checked_skills, needed_skills
from yilian.relay.signup.models import SignupTerms
from yilian.relay.verification.geofence import EARTH_RADIUS_M, distances_m

When = Literal["open_now", "upcoming", "any"]
Hit = tuple[Activity, SignupTerms | None, float | None]  # with the distance to the point searched near


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    radius_m: float


@dataclass(frozen=True)
class ActivityFilter:
    when: When = "any"
    category: int | None = None
    organisation_id: int | None = None
    near: Near | None = None
    with_free_places: bool = False
    skill: str | None = None  # a code of services/skills.py the activity needs


@dataclass(frozen=True)
class FoundActivity:
    activity: Activity
    terms: SignupTerms | None
    distance_m: float | None
    skills: list[str]  # the skills it needs

    @property
    def key(self) -> list[Any]:
        return [self.activity.starts_at, self.activity.id]


def find_activities(
    *, db: Session, where: ActivityFilter, now: int, after: list[Any] | None, limit: int
) -> list[FoundActivity]:
    """Up to `limit` activities after the keyset `after`. A bounding box on the indexed
    latitude/longitude narrows a `near` search; the exact haversine distance then decides."""
    if where.skill is not None:
        checked_skills([where.skill])
    found = (
        _in_order(db, where, now, after, limit)
        if where.near is None
        else _nearby(db, where, where.near, now, after, limit)
    )
    skills = needed_skills(db, [activity.id for activity, _, _ in found[:limit]])
    return [FoundActivity(activity, terms, d, skills[activity.id]) for activity, terms, d in found[:limit]]


def _in_order(db: Session, where: ActivityFilter, now: int, after: list[Any] | None, limit: int) -> list[Hit]:
    page = _joined(where).where(*_on_activity(where, now))
    if after is not None:
        page = page.where(tuple_(Activity.starts_at, Activity.id) > tuple(after))
    rows = db.execute(page.order_by(Activity.starts_at, Activity.id).limit(limit)).all()
    return [(activity, terms, None) for activity, terms in rows]


def _nearby(db: Session, where: ActivityFilter, near: Near, now: int, after: list[Any] | None, limit: int) -> list[Hit]:
    """Near a point: ids, starts and positions inside the bounding box first (the position index,
    no join, no sort in SQL); in keyset order those inside the circle; then the activities with
    their terms by primary key, a few at a time, until the page is full (the join's filters decide
    there). Sorting the box's few hundred keys here beats sorting joined rows in SQL."""
    south, north, west, east = bounding_box(near)
    boxed = select(Activity.id, Activity.starts_at, Activity.latitude, Activity.longitude).where(
        *_on_activity(where, now), Activity.latitude.between(south, north), Activity.longitude.between(west, east)
    )
    if after is not None:
        boxed = boxed.where(tuple_(Activity.starts_at, Activity.id) > tuple(after))
    # ids and starts are exact in a double
    box = np.array([tuple(row) for row in db.execute(boxed)], dtype=float).reshape(-1, 4)
    ids, starts = box[:, 0].astype(np.int64), box[:, 1].astype(np.int64)
    distance = distances_m(near.latitude, near.longitude, box[:, 2], box[:, 3])
    inside = np.flatnonzero(distance <= near.radius_m)
    ordered = inside[np.lexsort((ids[inside], starts[inside]))]
    metres = dict(zip(ids[ordered].tolist(), distance[ordered].tolist(), strict=True))
    keys, batch, found = list(metres), limit, list[Hit]()
    while keys and len(found) < limit:
        rows = db.execute(
            _joined(where).where(Activity.id.in_(keys[:batch])).order_by(Activity.starts_at, Activity.id)
        ).all()
        found += [(activity, terms, metres[activity.id]) for activity, terms in rows]
        keys, batch = keys[batch:], 4 * batch
    return found[:limit]


def _on_activity(where: ActivityFilter, now: int) -> list[ColumnElement[bool]]:
    """The filters on the activity (bar its position), not on its sign-up terms."""
    conditions: list[ColumnElement[bool]] = []
    if where.when == "open_now":
        conditions += [Activity.status == "open", Activity.starts_at <= now, Activity.ends_at > now]
    elif where.when == "upcoming":
        conditions += [Activity.status == "open", Activity.starts_at > now]
    if where.category is not None:
        conditions.append(Activity.category == where.category)
    if where.organisation_id is not None:
        conditions.append(Activity.organisation_id == where.organisation_id)
    if where.skill is not None:
        conditions.append(Activity.id.in_(select(ActivitySkill.activity_id).where(ActivitySkill.skill == where.skill)))
    return conditions


def _joined(where: ActivityFilter) -> Select:
    """Activities with their sign-up terms, filtered on those terms."""
    query = select(Activity, SignupTerms).outerjoin(SignupTerms, SignupTerms.activity_id == Activity.id)
    if where.with_free_places:
        query = query.where(or_(SignupTerms.places.is_(None), SignupTerms.places_taken < SignupTerms.places))
    return query


def bounding_box(near: Near) -> tuple[float, float, float, float]:
    """(south, north, west, east) around the circle; near a pole every longitude is in it.
    A circle across the ±180° meridian is cut there (no such district exists)."""
    dlat = math.degrees(near.radius_m / EARTH_RADIUS_M)
    cos_lat = math.cos(math.radians(min(89.9, abs(near.latitude) + dlat)))
    dlon = min(180.0, math.degrees(near.radius_m / (EARTH_RADIUS_M * cos_lat)))
    return near.latitude - dlat, near.latitude + dlat, near.longitude - dlon, near.longitude + dlon


def find_organisations(*, db: Session, after: list[Any] | None, limit: int) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.id).limit(limit)
    if after is not None:
        query = query.where(Organisation.id > after[0])
    return list(db.scalars(query))
