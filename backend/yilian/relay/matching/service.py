"""Resource profiles, needs, and who fits a need: SQL narrows where an index helps (a bounding box
on positions, skills with valid certificates), the pool (`pool.py`) decides."""

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from yilian.relay.db.models import Organisation, Volunteer
from yilian.relay.discover.activities import Near, bounding_box
from yilian.relay.matching.models import Assignment, Need, VolunteerProfile, VolunteerSkill, WeeklyWindow
from yilian.relay.matching.pool import METRES_PER_DEGREE, load_pool
from yilian.relay.matching.score import Fit, week_segments
from yilian.relay.services.errors import NotFound, Unprocessable
from yilian.relay.services.skills import checked_skills
from yilian.relay.services.volunteers import get_volunteer

MAX_TRAVEL_RADIUS_M = 10_000.0  # profiles may not claim more: it bounds the search box


@dataclass(frozen=True)
class Profile:
    latitude: float
    longitude: float
    travel_radius_m: float
    languages: list[str]
    skills: dict[str, int | None]  # skill → certificate valid until (None: needs no certificate)
    windows: list[tuple[int, int]]  # minutes of the week, CST


def save_profile(*, db: Session, app_user_id: str, profile: Profile, now: int) -> Volunteer:
    """Replaces the volunteer's resource profile: position, reach, languages, skills, availability."""
    volunteer = get_volunteer(db, app_user_id)
    if any(end <= start for start, end in profile.windows):
        raise Unprocessable("each weekly window must end after it starts", code="invalid_window")
    checked_skills(profile.skills)
    db.merge(VolunteerProfile(
        volunteer_id=volunteer.id, latitude=profile.latitude, longitude=profile.longitude,
        travel_radius_m=profile.travel_radius_m, languages=json.dumps(profile.languages), updated_at=now,
    ))  # fmt: skip
    for table in (VolunteerSkill, WeeklyWindow):
        db.execute(delete(table).where(table.volunteer_id == volunteer.id))
    db.add_all(VolunteerSkill(volunteer_id=volunteer.id, skill=s, certified_until=u) for s, u in profile.skills.items())
    db.add_all(WeeklyWindow(volunteer_id=volunteer.id, start_minute=s, end_minute=e) for s, e in profile.windows)
    return volunteer


def post_need(*, db: Session, need: Need) -> Need:
    if db.get(Organisation, need.organisation_id) is None:
        raise NotFound(f"no organisation {need.organisation_id}", code="organisation_not_found")
    if need.ends_at <= need.starts_at:
        raise Unprocessable("the need must end after it starts", code="invalid_need_window")
    checked_skills(json.loads(need.skills))
    db.add(need)
    db.flush()
    return need


def get_need(db: Session, need_id: int) -> Need:
    need = db.get(Need, need_id)
    if need is None:
        raise NotFound(f"no need {need_id}", code="need_not_found")
    return need


def fits(db: Session, need: Need, *, only_volunteer: int | None = None) -> list[Fit]:
    """Every volunteer who passes the hard filters for `need`, best score first."""
    return load_pool(db, narrowed(need, only_volunteer)).fits(need)


def narrowed(need: Need, only_volunteer: int | None = None) -> list[ColumnElement[bool]]:
    """What SQL can drop cheaply before the exact filters: profiles outside the need's box (on the
    position index), whose own travel box misses the need, free at no time of it, or lacking a
    required skill (on the skills index)."""
    south, north, west, east = bounding_box(Near(need.latitude, need.longitude, MAX_TRAVEL_RADIUS_M))
    metres_per_degree_lon = METRES_PER_DEGREE * max(0.01, math.cos(math.radians(need.latitude)))
    profile = VolunteerProfile
    where = [
        profile.latitude.between(south, north),
        profile.longitude.between(west, east),
        func.abs(profile.latitude - need.latitude) * METRES_PER_DEGREE <= profile.travel_radius_m,
        func.abs(profile.longitude - need.longitude) * metres_per_degree_lon <= profile.travel_radius_m,
        _free_then(need, only_volunteer),
    ]
    if only_volunteer is not None:
        where.append(profile.volunteer_id == only_volunteer)
    skills = json.loads(need.skills)
    if skills:
        where.append(profile.volunteer_id.in_(_skilled(skills, need.ends_at)))
    return where


def _free_then(need: Need, only_volunteer: int | None) -> ColumnElement[bool]:
    """Free at some time of the need: for one volunteer a probe of their windows; for a whole box
    the set of everyone free then, read once from the windows (thousands of per-volunteer probes
    cost several times more)."""
    free = or_(
        *(
            and_(WeeklyWindow.start_minute < end, WeeklyWindow.end_minute > start)
            for start, end in week_segments(need.starts_at, need.ends_at)[0]
        )
    )
    if only_volunteer is not None:
        return exists().where(WeeklyWindow.volunteer_id == VolunteerProfile.volunteer_id, free)
    return VolunteerProfile.volunteer_id.in_(select(WeeklyWindow.volunteer_id).where(free))


def within_reach(needs: Sequence[Need]) -> list[ColumnElement[bool]]:
    """Profiles that may reach any of `needs`: the box around all of them (a fill's pool)."""
    boxes = [bounding_box(Near(need.latitude, need.longitude, MAX_TRAVEL_RADIUS_M)) for need in needs]
    profile = VolunteerProfile
    return [
        profile.latitude.between(min(b[0] for b in boxes), max(b[1] for b in boxes)),
        profile.longitude.between(min(b[2] for b in boxes), max(b[3] for b in boxes)),
    ]


def _skilled(skills: list[str], until: int):  # type: ignore[no-untyped-def]
    """Volunteers holding every skill, each certificate (if any) valid until `until`."""
    valid = and_(
        VolunteerSkill.skill.in_(skills),
        (VolunteerSkill.certified_until.is_(None)) | (VolunteerSkill.certified_until >= until),
    )
    return (
        select(VolunteerSkill.volunteer_id)
        .where(valid)
        .group_by(VolunteerSkill.volunteer_id)
        .having(func.count() == len(skills))
    )


def assigned(db: Session, need_id: int) -> list[tuple[str, float]]:
    """(app user id, score) of the volunteers a need was filled with, best first."""
    query = (
        select(Volunteer.app_user_id, Assignment.score)
        .join(Volunteer, Volunteer.id == Assignment.volunteer_id)
        .where(Assignment.need_id == need_id)
        .order_by(Assignment.score.desc(), Volunteer.app_user_id)
    )
    return [(user, score) for user, score in db.execute(query)]


def needs_for(*, db: Session, app_user_id: str, now: int, limit: int) -> list[tuple[Need, Fit]]:
    """Open needs the volunteer fits, best score first: the volunteer's side of matching."""
    volunteer = get_volunteer(db, app_user_id)
    profile = db.get(VolunteerProfile, volunteer.id)
    if profile is None:
        raise NotFound(f"{app_user_id!r} has no resource profile", code="profile_not_found")
    south, north, west, east = bounding_box(Near(profile.latitude, profile.longitude, profile.travel_radius_m))
    nearby = db.scalars(
        select(Need).where(
            Need.status == "open", Need.ends_at > now, Need.latitude.between(south, north),
            Need.longitude.between(west, east),
        )
    )  # fmt: skip
    found = [(need, fit[0]) for need in nearby if (fit := fits(db, need, only_volunteer=volunteer.id))]
    return sorted(found, key=lambda pair: (-pair[1].score, pair[0].id))[:limit]


def open_needs(*, db: Session, organisation_id: int, now: int) -> list[int]:
    query = select(Need.id).where(Need.organisation_id == organisation_id, Need.status == "open", Need.ends_at > now)
    return list(db.scalars(query.order_by(Need.id)))
