"""Resource profiles, needs, and who fits a need (the hard filters of `score.py`, in SQL where an
index helps: a bounding box on positions, skills with valid certificates)."""

import json
import math
from dataclasses import dataclass

from sqlalchemy import Select, and_, delete, func, select
from sqlalchemy.orm import Session

from yilian.relay.db.models import CheckIn, Organisation, Volunteer
from yilian.relay.discover.activities import Near, bounding_box
from yilian.relay.matching.models import Assignment, Need, VolunteerProfile, VolunteerSkill, WeeklyWindow
from yilian.relay.matching.score import Fit, availability
from yilian.relay.services.errors import NotFound, Unprocessable
from yilian.relay.services.skills import checked_skills
from yilian.relay.services.volunteers import get_volunteer
from yilian.relay.signup.models import Signup
from yilian.relay.verification.geofence import EARTH_RADIUS_M, distance_m

MAX_TRAVEL_RADIUS_M = 10_000.0  # profiles may not claim more: it bounds the search box
METRES_PER_DEGREE = math.radians(1) * EARTH_RADIUS_M  # of latitude


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
    candidates = _candidates(need, only_volunteer).subquery()
    ids = select(candidates.c.volunteer_id)
    rows = db.execute(select(candidates)).all()
    near = [(row, d) for row in rows if (d := _distance(need, row)) <= row.travel_radius_m]
    language = need.language
    near = [(row, d) for row, d in near if language is None or language in json.loads(row.languages)]
    windows, record, certificates = _windows(db, ids), _attendance(db, ids), _certificates(db, ids, need)
    found = [
        Fit(
            row.volunteer_id,
            row.app_user_id,
            d,
            row.travel_radius_m,
            availability(need.starts_at, need.ends_at, windows.get(row.volunteer_id, [])),
            *record.get(row.volunteer_id, (0, 0)),
            certificates.get(row.volunteer_id, {}),
        )  # fmt: skip
        for row, d in near
    ]
    return sorted((fit for fit in found if fit.availability > 0), key=lambda fit: (-fit.score, fit.volunteer_id))


def _candidates(need: Need, only_volunteer: int | None) -> Select:
    """Active, unbooked volunteers whose own travel box holds the need (a cheap row test in SQL
    after the index's bounding box), with every required skill."""
    south, north, west, east = bounding_box(Near(need.latitude, need.longitude, MAX_TRAVEL_RADIUS_M))
    metres_per_degree_lon = METRES_PER_DEGREE * max(0.01, math.cos(math.radians(need.latitude)))
    booked = select(Assignment.volunteer_id).where(
        Assignment.starts_at < need.ends_at, Assignment.ends_at > need.starts_at
    )
    profile = VolunteerProfile
    query = (
        select(profile, Volunteer.app_user_id)
        .join(Volunteer, Volunteer.id == profile.volunteer_id)
        .where(
            Volunteer.status == "active",
            profile.latitude.between(south, north),
            profile.longitude.between(west, east),
            func.abs(profile.latitude - need.latitude) * METRES_PER_DEGREE <= profile.travel_radius_m,
            func.abs(profile.longitude - need.longitude) * metres_per_degree_lon <= profile.travel_radius_m,
            profile.volunteer_id.not_in(booked),
        )
    )
    if only_volunteer is not None:
        query = query.where(profile.volunteer_id == only_volunteer)
    skills = json.loads(need.skills)
    if skills:
        query = query.where(profile.volunteer_id.in_(_skilled(skills, need.ends_at)))
    return query


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


def _distance(need: Need, row) -> float:  # type: ignore[no-untyped-def]
    return distance_m(need.latitude, need.longitude, row.latitude, row.longitude)


def _windows(db: Session, ids: Select) -> dict[int, list[tuple[int, int]]]:
    found: dict[int, list[tuple[int, int]]] = {}
    query = select(WeeklyWindow.volunteer_id, WeeklyWindow.start_minute, WeeklyWindow.end_minute)
    for volunteer_id, start, end in db.execute(query.where(WeeklyWindow.volunteer_id.in_(ids))):
        found.setdefault(volunteer_id, []).append((start, end))
    return found


def _attendance(db: Session, ids: Select) -> dict[int, tuple[int, int]]:
    """volunteer → (activities attended, no-shows recorded)."""
    attended = dict(db.execute(
        select(CheckIn.volunteer_id, func.count(func.distinct(CheckIn.activity_id)))
        .where(CheckIn.volunteer_id.in_(ids)).group_by(CheckIn.volunteer_id)
    ).all())  # fmt: skip
    absent = dict(db.execute(
        select(Signup.volunteer_id, func.count()).where(Signup.volunteer_id.in_(ids), Signup.status == "no_show")
        .group_by(Signup.volunteer_id)
    ).all())  # fmt: skip
    return {v: (attended.get(v, 0), absent.get(v, 0)) for v in attended.keys() | absent.keys()}


def _certificates(db: Session, ids: Select, need: Need) -> dict[int, dict[str, int | None]]:
    found: dict[int, dict[str, int | None]] = {}
    query = select(VolunteerSkill).where(
        VolunteerSkill.volunteer_id.in_(ids), VolunteerSkill.skill.in_(json.loads(need.skills))
    )
    for skill in db.scalars(query):
        found.setdefault(skill.volunteer_id, {})[skill.skill] = skill.certified_until
    return found


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
