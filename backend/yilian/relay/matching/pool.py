"""Who fits a need, decided over a pool of volunteers loaded at once: the hard filters of
`score.py` and the score's parts computed with numpy. One need's match loads a pool SQL has
narrowed (the need's bounding box, its skills, nobody booked); a fill loads one pool for all its
needs and decides each need against it, instead of a query round per need. Per need, a spatial
index over the pool (a k-d tree) yields who is near enough, and only they are filtered and scored."""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy.spatial import cKDTree
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from yilian.relay.db.models import CheckIn, Volunteer
from yilian.relay.matching.models import Assignment, Need, VolunteerProfile, VolunteerSkill, WeeklyWindow
from yilian.relay.matching.score import Fit, availability, scores
from yilian.relay.signup.models import Signup
from yilian.relay.verification.geofence import EARTH_RADIUS_M, distances_m

REACH_BANDS = 8  # spatial indexes per fill pool, by travel radius (fewer far-off candidates per need)
CHUNK = 5_000  # the most volunteer ids sent as an IN list (below every database's parameter limit)
METRES_PER_DEGREE = np.radians(1) * EARTH_RADIUS_M  # of latitude
Intervals = tuple[np.ndarray, np.ndarray, np.ndarray]  # owner (pool index), start, end


@dataclass(frozen=True)
class Pool:
    ids: np.ndarray  # volunteer ids, ascending
    users: list[str]  # their app user ids
    latitude: np.ndarray
    longitude: np.ndarray
    reach: np.ndarray  # travel radius, metres
    languages: list[frozenset[str]]
    skills: dict[str, np.ndarray]  # skill → certificate valid until (+inf: needs none; -inf: not held)
    windows: Intervals  # weekly availability, minutes of the week (CST)
    bookings: Intervals  # assignments, unix seconds
    attended: np.ndarray
    no_shows: np.ndarray

    def fits(self, need: Need, limit: int | None = None) -> list[Fit]:
        """The volunteers of the pool who pass the hard filters for `need`, best score first (the
        best `limit` of them). Only those the spatial index finds near the need are looked at."""
        near = self._near(need)
        required = json.loads(need.skills)
        for skill in required:
            near = near[self._valid_until(skill)[near] >= need.ends_at]
        owner, starts, ends = self.bookings
        near = near[~np.isin(near, owner[(starts < need.ends_at) & (ends > need.starts_at)])]
        distance = distances_m(need.latitude, need.longitude, self.latitude[near], self.longitude[near])
        inside = distance <= self.reach[near]
        candidates, distance = near[inside], distance[inside]
        if need.language is not None:
            spoken = np.fromiter(
                (need.language in self.languages[i] for i in candidates.tolist()), bool, len(candidates)
            )
            candidates, distance = candidates[spoken], distance[spoken]
        share = self._availability(need, candidates)
        free = share > 0
        chosen, distance, share = candidates[free], distance[free], share[free]
        value = scores(distance, self.reach[chosen], share, self.attended[chosen], self.no_shows[chosen])
        ranked = np.lexsort((self.ids[chosen], -value))[:limit]
        return [self._fit(int(chosen[k]), distance[k], share[k], required) for k in ranked.tolist()]

    @cached_property
    def _bands(self) -> list[tuple[np.ndarray, cKDTree, float]]:
        """The pool cut into `REACH_BANDS` bands of travel radius, each with a k-d tree over its
        positions as points on a sphere of the earth's radius (metres), and its largest radius. A
        chord is never longer than its arc, so a ball of the band's radius around the need holds
        everyone of the band within it along the surface (a few more, whom the exact distance
        drops); searching band by band keeps short-reach volunteers out of long-reach balls."""
        order = np.argsort(self.reach, kind="stable")
        return [
            (
                members,
                cKDTree(_on_sphere(self.latitude[members], self.longitude[members])),
                float(self.reach[members[-1]]),
            )
            for members in np.array_split(order, REACH_BANDS)
            if len(members)
        ]

    @cached_property
    def _windows_by_owner(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Weekly windows sorted by owner and where each owner's run starts (one more at the end)."""
        owner, starts, ends = self.windows
        order = np.argsort(owner, kind="stable")
        offsets = np.searchsorted(owner[order], np.arange(len(self.ids) + 1))
        return offsets, starts[order], ends[order]

    def _near(self, need: Need) -> np.ndarray:
        """Pool indices of a superset of those whose travel radius covers the need."""
        centre = _on_sphere(need.latitude, need.longitude)
        balls = [
            members[tree.query_ball_point(centre, r=reach, return_sorted=False)] for members, tree, reach in self._bands
        ]
        return np.concatenate([np.zeros(0, np.int64), *balls])

    def _availability(self, need: Need, candidates: np.ndarray) -> np.ndarray:
        """`score.availability` for `candidates`, reading their own windows only."""
        offsets, starts, ends = self._windows_by_owner
        first, count = offsets[candidates], offsets[candidates + 1] - offsets[candidates]
        owner = np.repeat(np.arange(len(candidates)), count)
        rows = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(count.sum())
        return availability(need.starts_at, need.ends_at, owner, starts[rows], ends[rows], len(candidates))

    def _valid_until(self, skill: str) -> np.ndarray:
        return self.skills.get(skill, np.full(len(self.ids), -np.inf))

    def _fit(self, i: int, distance: float, share: float, required: list[str]) -> Fit:
        until = {skill: self.skills[skill][i] for skill in required}
        return Fit(
            int(self.ids[i]), self.users[i], float(distance), float(self.reach[i]), float(share),
            int(self.attended[i]), int(self.no_shows[i]),
            {skill: None if np.isinf(value) else int(value) for skill, value in until.items()},
        )  # fmt: skip


def load_pool(db: Session, where: Sequence[ColumnElement[bool]]) -> Pool:
    """Active volunteers with a profile that pass `where`, with what the filters and score read."""
    profile = VolunteerProfile
    query = (
        select(profile.volunteer_id, Volunteer.app_user_id, profile.latitude, profile.longitude,
               profile.travel_radius_m, profile.languages)
        .join(Volunteer, Volunteer.id == profile.volunteer_id)
        .where(Volunteer.status == "active", *where)
        .order_by(profile.volunteer_id)
    )  # fmt: skip
    rows = db.execute(query).all()
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    index = {volunteer: i for i, volunteer in enumerate(ids.tolist())}
    skills: dict[str, np.ndarray] = {}
    held = select(VolunteerSkill.volunteer_id, VolunteerSkill.skill, VolunteerSkill.certified_until)
    for volunteer, skill, until in _of(db, held, VolunteerSkill.volunteer_id, ids):
        if skill not in skills:
            skills[skill] = np.full(len(ids), -np.inf)
        skills[skill][index[volunteer]] = np.inf if until is None else until
    attended, no_shows = np.zeros(len(ids), np.int64), np.zeros(len(ids), np.int64)
    for volunteer, count in _of(db, _attended(), CheckIn.volunteer_id, ids):
        attended[index[volunteer]] = count
    for volunteer, count in _of(db, _absent(), Signup.volunteer_id, ids):
        no_shows[index[volunteer]] = count
    spoken = {raw: frozenset(json.loads(raw)) for raw in {row[5] for row in rows}}  # few distinct lists
    return Pool(
        ids=ids, users=[row[1] for row in rows], latitude=np.array([row[2] for row in rows], dtype=float),
        longitude=np.array([row[3] for row in rows], dtype=float),
        reach=np.array([row[4] for row in rows], dtype=float),
        languages=[spoken[row[5]] for row in rows],
        skills=skills,
        windows=_intervals(db, select(WeeklyWindow.volunteer_id, WeeklyWindow.start_minute, WeeklyWindow.end_minute),
                           WeeklyWindow.volunteer_id, ids, index),
        bookings=_intervals(db, select(Assignment.volunteer_id, Assignment.starts_at, Assignment.ends_at),
                            Assignment.volunteer_id, ids, index),
        attended=attended, no_shows=no_shows,
    )  # fmt: skip


def _attended() -> Select:
    return select(CheckIn.volunteer_id, func.count(func.distinct(CheckIn.activity_id))).group_by(CheckIn.volunteer_id)


def _absent() -> Select:
    return select(Signup.volunteer_id, func.count()).where(Signup.status == "no_show").group_by(Signup.volunteer_id)


def _of(db: Session, query: Select, column: Any, ids: np.ndarray) -> Iterator[Any]:
    """The rows of `query` for the volunteers `ids` (ascending; the first column is the volunteer):
    few by an IN list; many by one range scan over their span, others' rows dropped (an IN list of
    tens of thousands costs more to build and send than the scan)."""
    if len(ids) <= CHUNK:
        yield from db.execute(query.where(column.in_(ids.tolist())))
        return
    wanted = set(ids.tolist())
    rows = db.execute(query.where(column.between(int(ids[0]), int(ids[-1]))))
    yield from (row for row in rows if row[0] in wanted)


def _intervals(db: Session, query: Select, column: Any, ids: np.ndarray, index: dict[int, int]) -> Intervals:
    rows = list(_of(db, query, column, ids))
    owner = np.array([index[row[0]] for row in rows], dtype=np.int64)
    return owner, np.array([row[1] for row in rows], dtype=np.int64), np.array([row[2] for row in rows], dtype=np.int64)


def _on_sphere(lat: Any, lon: Any) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return EARTH_RADIUS_M * np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)
