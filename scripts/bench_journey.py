"""Discover and matching at district scale, no chain: `python scripts/bench_journey.py` → bench/journey.md.

Seeds a scratch relay database (migrated, with its real indexes; SQLite, and PostgreSQL when
`--postgres` names a server) with 20,000 activities (0–2 needed skills each) and 150,000
volunteers with resource profiles (positions in a 20 × 20 km district, travel radius 1–5 km,
0–3 of 8 skills, some certificates expired, two weekly windows each) and 1,000 open needs, then
times, through the service functions the routes call (HTTP excluded), each against a reference
measured on the same database in the same run:
- the nearby-activities list (upcoming, free places, 3 km around a random point, one page of 20;
  and the same needing one skill) against a page of as many activities by primary key;
- matching one need against every profile (`fits`: the hard filters and the score) against one
  bare pass over the same profiles (every row read, its distance computed: a match without index);
- one fill of all 1,000 needs (shortlists, then SciPy's assignment solver) against the same
  shortlists filled by a greedy loop, need by need (the activities the needs become on chain are
  not part of it).
The query plans of the list and of the candidate search are shown (EXPLAIN), with the indexes used.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, event, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from yilian.chain.artifacts import PROJECT_ROOT
from yilian.relay.db.migrate import upgrade
from yilian.relay.db.models import Activity, ActivitySkill, Organisation, Volunteer
from yilian.relay.db.session import make_engine, make_sessionmaker
from yilian.relay.discover.activities import ActivityFilter, Near, find_activities
from yilian.relay.matching.assign import assign
from yilian.relay.matching.fill import shortlists
from yilian.relay.matching.models import Need, VolunteerProfile, VolunteerSkill, WeeklyWindow
from yilian.relay.matching.score import Fit
from yilian.relay.matching.service import fits
from yilian.relay.signup.models import SignupTerms
from yilian.relay.verification.geofence import distance_m

REPORT = PROJECT_ROOT / "bench" / "journey.md"
SOUTH, WEST, SPAN = 30.18, 120.03, 0.18  # ≈ 20 km of Hangzhou's west
SKILLS = ("first_aid", "elderly_care", "sign_language", "english", "driving", "tutoring", "counselling", "repair")
NOW = 1_800_000_000
TARGETS_S = {"nearby": 0.050, "match": 0.200, "fill": 30.0}
PAGE = 21  # the route asks for one more than the page of 20, to know whether a next page exists
BENCH_DATABASE = "yilian_bench_journey"


def point(rng: random.Random) -> tuple[float, float]:
    return SOUTH + rng.random() * SPAN, WEST + rng.random() * SPAN


def seed(db: Session, rng: random.Random, volunteers: int, activities: int, needs: int) -> None:
    db.execute(insert(Organisation), [{"id": o, "name": f"team {o}", "profile_hash": "0x", "created_at": NOW}
                                      for o in range(1, 51)])  # fmt: skip
    rows, terms, skills = [], [], []
    for a in range(1, activities + 1):
        (lat, lon), start = point(rng), NOW + rng.randrange(-30, 335) * 86_400
        rows.append({"id": a, "organisation_id": rng.randrange(1, 51), "name": "活动", "category": rng.randrange(12),
                     "starts_at": start, "ends_at": start + 3 * 3600, "latitude": lat, "longitude": lon,
                     "radius_m": 200.0, "minute_cap": 180, "points_per_hour": 10, "signin_secret": b"s",
                     "status": "open", "created_at": NOW})  # fmt: skip
        places = rng.randrange(5, 50)
        terms.append({"activity_id": a, "places": places, "places_taken": rng.randrange(0, places + 1),
                      "deadline": None, "mode": "open", "requires_signup": True})  # fmt: skip
        skills += [{"activity_id": a, "skill": skill} for skill in rng.sample(SKILLS, rng.randrange(0, 3))]
    db.execute(insert(Activity), rows)
    db.execute(insert(SignupTerms), terms)
    db.execute(insert(ActivitySkill), skills)
    _seed_volunteers(db, rng, volunteers)
    _seed_needs(db, rng, needs)
    db.commit()


def _seed_volunteers(db: Session, rng: random.Random, count: int) -> None:
    people, profiles, skills, windows = [], [], [], []
    for v in range(1, count + 1):
        people.append({"id": v, "app_user_id": f"u{v}", "address": f"0x{v:040x}", "real_name": "志愿者",
                       "id_number_masked": "3301**********1234", "identity_hash": f"0x{v:064x}",
                       "status": "active", "created_at": NOW})  # fmt: skip
        lat, lon = point(rng)
        profiles.append({"volunteer_id": v, "latitude": lat, "longitude": lon, "languages": '["zh"]',
                         "travel_radius_m": rng.uniform(1000, 5000), "updated_at": NOW})  # fmt: skip
        for skill in rng.sample(SKILLS, rng.randrange(0, 4)):
            until = NOW + rng.randrange(-200, 700) * 86_400 if skill == "first_aid" else None
            skills.append({"volunteer_id": v, "skill": skill, "certified_until": until})
        for _ in range(2):
            start = rng.randrange(0, 10_080 - 240)
            windows.append({"volunteer_id": v, "start_minute": start, "end_minute": start + rng.randrange(60, 240)})
    for table, rows in ((Volunteer, people), (VolunteerProfile, profiles), (VolunteerSkill, skills),
                        (WeeklyWindow, windows)):  # fmt: skip
        db.execute(insert(table), rows)


def _seed_needs(db: Session, rng: random.Random, count: int) -> None:
    rows = []
    for n in range(1, count + 1):
        (lat, lon), start = point(rng), NOW + rng.randrange(0, 14 * 24) * 3600
        skills = f'["{rng.choice(SKILLS)}"]' if rng.random() < 0.5 else "[]"
        rows.append({"id": n, "organisation_id": rng.randrange(1, 51), "title": "需求", "category": 1,
                     "skills": skills, "language": None, "latitude": lat, "longitude": lon, "starts_at": start,
                     "ends_at": start + 2 * 3600, "head_count": rng.randrange(1, 6), "status": "open",
                     "activity_id": None, "created_at": NOW})  # fmt: skip
    db.execute(insert(Need), rows)


def timed(action: Callable[[], object], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


@dataclass(frozen=True)
class Line:
    what: str
    measured: list[float]  # seconds, one per run
    reference: list[float]
    reference_is: str
    target_s: float
    note: str = ""

    def row(self) -> str:
        median, reference = statistics.median(self.measured), statistics.median(self.reference)
        verdict = "✓" if median < self.target_s else "✗"
        return (
            f"| {self.what} | {_time(median)} (p95 {_time(_p95(self.measured))}, n={len(self.measured)}) | "
            f"{verdict} < {_time(self.target_s)} | {_time(reference)}: {self.reference_is} | "
            f"{median / reference:.2f}× | {self.note} |"
        )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _time(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.1f} ms"


def measure(sessions: sessionmaker[Session], rng: random.Random) -> list[Line]:
    with sessions() as db:
        spots = [point(rng) for _ in range(200)]
        starts = [rng.randrange(1, 20_000 - PAGE) for _ in range(200)]

        def nearby(where: Callable[[float, float], ActivityFilter]) -> Callable[[], object]:
            places = iter(spots)
            return lambda: find_activities(db=db, where=where(*next(places)), now=NOW, after=None, limit=PAGE)

        def by_key() -> Callable[[], object]:
            firsts = iter(starts)
            query = select(Activity, SignupTerms).outerjoin(SignupTerms, SignupTerms.activity_id == Activity.id)
            return lambda: db.execute(query.where(Activity.id >= next(firsts)).order_by(Activity.id).limit(PAGE)).all()

        plain = lambda lat, lon: ActivityFilter(when="upcoming", near=Near(lat, lon, 3000), with_free_places=True)  # noqa: E731
        skilled = lambda lat, lon: ActivityFilter(  # noqa: E731
            when="upcoming", near=Near(lat, lon, 3000), with_free_places=True, skill="elderly_care"
        )
        reference = timed(by_key(), 200)
        lines = [
            Line("nearby activities: 3 km, upcoming, free places, one page", timed(nearby(plain), 200), reference,
                 f"a page of {PAGE} by primary key", TARGETS_S["nearby"]),
            Line("the same, needing `elderly_care`", timed(nearby(skilled), 200), reference,
                 f"a page of {PAGE} by primary key", TARGETS_S["nearby"]),
        ]  # fmt: skip
        needs = list(db.scalars(select(Need).order_by(Need.id)))
        sample = rng.sample(needs, 30)
        matching = [timed(lambda need=need: fits(db, need), 1)[0] for need in sample]
        fitting = statistics.median(len(fits(db, need)) for need in sample[:10])
        bare = timed(lambda: _bare_pass(db, sample[0]), 5)
        lines.append(Line("match one need against every profile", matching, bare,
                          "one bare pass over every profile (read, distance)", TARGETS_S["match"],
                          f"{fitting:.0f} fit (median)"))  # fmt: skip
        lines.append(_fill(db, needs))
    return lines


def _bare_pass(db: Session, need: Need) -> int:
    """What a match costs without the index: every profile read and its distance computed."""
    rows = db.execute(select(VolunteerProfile.latitude, VolunteerProfile.longitude, VolunteerProfile.travel_radius_m))
    return sum(distance_m(need.latitude, need.longitude, lat, lon) <= reach for lat, lon, reach in rows)


def _fill(db: Session, needs: list[Need]) -> Line:
    started = time.perf_counter()
    lists = shortlists(db, needs)
    listed = time.perf_counter() - started
    started = time.perf_counter()
    chosen = assign(needs, lists)
    solved = time.perf_counter() - started
    started = time.perf_counter()
    greedy = _greedy(needs, lists)
    greedy_s = time.perf_counter() - started
    places = sum(need.head_count for need in needs)
    filled, greedy_filled = (sum(len(picked) for picked in found.values()) for found in (chosen, greedy))
    note = (f"shortlists {listed:.1f} s, solver {solved:.2f} s (greedy {greedy_s:.3f} s); places filled "
            f"{filled:,} by the solver, {greedy_filled:,} by greedy, of {places:,}")  # fmt: skip
    return Line(f"fill all {len(needs):,} needs at once", [listed + solved], [listed + greedy_s],
                "the same shortlists, filled greedily", TARGETS_S["fill"], note)  # fmt: skip


def _greedy(needs: list[Need], lists: dict[int, list[Fit]]) -> dict[int, list[Fit]]:
    """Need by need, its best candidates not taken yet: the cheapest fill, for reference."""
    taken: set[int] = set()
    chosen: dict[int, list[Fit]] = {}
    for need in needs:
        picked = [fit for fit in lists[need.id] if fit.volunteer_id not in taken][: need.head_count]
        taken |= {fit.volunteer_id for fit in picked}
        chosen[need.id] = picked
    return chosen


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (with their parameters) the engine runs inside the block."""
    statements: list[tuple[str, Any]] = []

    def note(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def plans(engine: Engine, sessions: sessionmaker[Session]) -> list[str]:
    """EXPLAIN of the first query of a nearby list and of a match (the candidate search)."""
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    where = ActivityFilter(when="upcoming", near=Near(30.27, 120.12, 3000), with_free_places=True, skill="english")
    lines = []
    with sessions() as db:
        need = db.scalars(select(Need).where(Need.skills != "[]").limit(1)).one()
        actions: dict[str, Callable[[], object]] = {
            "nearby list needing a skill": lambda: find_activities(db=db, where=where, now=NOW, after=None, limit=PAGE),
            "match one need": lambda: fits(db, need),
        }
        for what, action in actions.items():
            with captured(engine) as statements:
                action()
            statement, parameters = statements[0]
            with engine.connect() as connection:
                plan = [
                    " ".join(str(v) for v in row) for row in connection.exec_driver_sql(prefix + statement, parameters)
                ]
            used = sorted(set(re.findall(r"(?:INDEX|Index Scan using|Index Only Scan using|Bitmap Index Scan on) (\w+)",
                                         "\n".join(plan))))  # fmt: skip
            lines += [f"{what}: indexes used {', '.join(used) or 'none'}", "", "```", *plan, "```", ""]
    return lines


def run(url: str, rng: random.Random, args: argparse.Namespace) -> tuple[float, list[Line], list[str]]:
    upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    started = time.perf_counter()
    with sessions() as db:
        seed(db, rng, args.volunteers, args.activities, args.needs)
    with engine.connect() as connection:  # the planner's statistics, as a maintained database has them
        connection.execute(text("ANALYZE"))
        connection.commit()
    seeded = time.perf_counter() - started
    explained = plans(engine, sessions)
    lines = measure(sessions, rng)
    engine.dispose()
    return seeded, lines, explained


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A fresh database of its own on the server (`postgresql://user@host:port/db`), dropped after."""
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    try:
        yield server.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0] + f"/{BENCH_DATABASE}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")


def section(name: str, seeded: float, lines: list[Line], explained: list[str]) -> list[str]:
    return [
        f"## {name}", "", f"Seeding took {seeded:.0f} s (then ANALYZE).", "",
        "| what | measured (median) | target | reference (median) | ratio | |", "|---|---|---|---|---|---|",
        *(line.row() for line in lines), "", *explained,
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=150_000)
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--needs", type=int, default=1_000)
    parser.add_argument(
        "--postgres", help="also on this PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    load = os.getloadavg()
    body = []
    with tempfile.TemporaryDirectory() as folder:
        body += section("SQLite", *run(f"sqlite:///{Path(folder) / 'relay.db'}", random.Random(2019), args))
    if args.postgres:
        with postgres_database(args.postgres) as url:
            body += section("PostgreSQL", *run(url, random.Random(2019), args))
    header = [
        "# Discover and matching at district scale", "",
        f"`python scripts/bench_journey.py{' --postgres …' if args.postgres else ''}` on {datetime.now(UTC):%Y-%m-%d}"
        f" (one process, service functions without HTTP): {args.activities:,} activities, {args.volunteers:,}",
        f"volunteer profiles, {args.needs:,} open needs. Each figure is the median of n runs, judged against its",
        "target (✓ under it, ✗ over) and divided by a reference measured on the same database in the same run.",
        f"Load average (1 min) {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores:",
        "other work on the machine slows every figure.", "",
    ]  # fmt: skip
    REPORT.write_text("\n".join(header + body) + "\n")
    print("\n".join(body))


if __name__ == "__main__":
    main()
