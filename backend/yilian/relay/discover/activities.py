"""Activities an app can find: open now or upcoming, by category or organisation, near a point,
needing a skill, with free places. Ordered by (starts_at, id): the keyset the list pages on."""

import math
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, or_, select, tuple_
from sqlalchemy.orm import Session

from yilian.relay.db.models import Activity, ActivitySkill, Organisation
from yilian.relay.services.skills import checked_skills, needed_skills
from yilian.relay.signup.models import SignupTerms
from yilian.relay.verification.geofence import EARTH_RADIUS_M, distance_m

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
    query = _filtered(where, now)
    found: list[Hit] = []
    chunk = limit if where.near is None else max(4 * limit, 50)
    while len(found) < limit:
        page = query
        if after is not None:
            page = page.where(tuple_(Activity.starts_at, Activity.id) > tuple(after))
        rows = db.execute(page.order_by(Activity.starts_at, Activity.id).limit(chunk)).all()
        found += [hit for activity, terms in rows if (hit := _within(activity, terms, where.near))]
        if len(rows) < chunk:
            break
        after = [rows[-1][0].starts_at, rows[-1][0].id]
    skills = needed_skills(db, [activity.id for activity, _, _ in found[:limit]])
    return [FoundActivity(activity, terms, d, skills[activity.id]) for activity, terms, d in found[:limit]]


def _filtered(where: ActivityFilter, now: int) -> Select:
    query = select(Activity, SignupTerms).outerjoin(SignupTerms, SignupTerms.activity_id == Activity.id)
    if where.when == "open_now":
        query = query.where(Activity.status == "open", Activity.starts_at <= now, Activity.ends_at > now)
    elif where.when == "upcoming":
        query = query.where(Activity.status == "open", Activity.starts_at > now)
    if where.category is not None:
        query = query.where(Activity.category == where.category)
    if where.organisation_id is not None:
        query = query.where(Activity.organisation_id == where.organisation_id)
    if where.skill is not None:
        needing = select(ActivitySkill.activity_id).where(ActivitySkill.skill == where.skill)
        query = query.where(Activity.id.in_(needing))
    if where.with_free_places:
        query = query.where(or_(SignupTerms.places.is_(None), SignupTerms.places_taken < SignupTerms.places))
    if where.near is not None:
        south, north, west, east = bounding_box(where.near)
        query = query.where(Activity.latitude.between(south, north), Activity.longitude.between(west, east))
    return query


def bounding_box(near: Near) -> tuple[float, float, float, float]:
    """(south, north, west, east) around the circle; near a pole every longitude is in it.
    A circle across the ±180° meridian is cut there (no such district exists)."""
    dlat = math.degrees(near.radius_m / EARTH_RADIUS_M)
    cos_lat = math.cos(math.radians(min(89.9, abs(near.latitude) + dlat)))
    dlon = min(180.0, math.degrees(near.radius_m / (EARTH_RADIUS_M * cos_lat)))
    return near.latitude - dlat, near.latitude + dlat, near.longitude - dlon, near.longitude + dlon


def _within(activity: Activity, terms: SignupTerms | None, near: Near | None) -> Hit | None:
    if near is None:
        return activity, terms, None
    distance = distance_m(near.latitude, near.longitude, activity.latitude, activity.longitude)
    return (activity, terms, distance) if distance <= near.radius_m else None


def find_organisations(*, db: Session, after: list[Any] | None, limit: int) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.id).limit(limit)
    if after is not None:
        query = query.where(Organisation.id > after[0])
    return list(db.scalars(query))
