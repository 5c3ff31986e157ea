"""Discover and matching at district scale, no chain: `python scripts/bench_journey.py` → bench/journey.md.

Seeds a scratch SQLite relay database (migrated, with its real indexes) with 20,000 activities and
150,000 volunteers with resource profiles (positions in a 20 × 20 km district, travel radius
1–5 km, 0–3 of 8 skills, some certificates expired, two weekly windows each) and 1,000 open
needs, then times, through the service functions the routes call (HTTP excluded):
- the nearby-activities list (upcoming, free places, 3 km around a random point, one page of 20);
- matching one need against every profile (`fits`: the hard filters and the score);
- one fill of all 1,000 needs (shortlists, then the assignment solver; the activities the needs
  become on chain are not part of it).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from yilian.chain.artifacts import PROJECT_ROOT
from yilian.discover.activities import ActivityFilter, Near, find_activities
from yilian.matching.assign import assign
from yilian.matching.fill import shortlist
from yilian.matching.models import Need, VolunteerProfile, VolunteerSkill, WeeklyWindow
from yilian.matching.service import fits
from yilian.relay.db.migrate import upgrade
from yilian.relay.db.models import Activity, Organisation, Volunteer
from yilian.relay.db.session import make_engine, make_sessionmaker
from yilian.signup.models import SignupTerms

REPORT = PROJECT_ROOT / "bench" / "journey.md"
SOUTH, WEST, SPAN = 30.18, 120.03, 0.18  # ≈ 20 km of Hangzhou's west
SKILLS = ("first_aid", "elderly_care", "sign_language", "english", "driving", "tutoring", "counselling", "repair")
NOW = 1_800_000_000


def point(rng: random.Random) -> tuple[float, float]:
    return SOUTH + rng.random() * SPAN, WEST + rng.random() * SPAN


def seed(db, rng: random.Random, volunteers: int, activities: int, needs: int) -> None:  # type: ignore[no-untyped-def]
    db.execute(insert(Organisation), [{"id": o, "name": f"team {o}", "profile_hash": "0x", "created_at": NOW}
                                      for o in range(1, 51)])  # fmt: skip
    rows, terms = [], []
    for a in range(1, activities + 1):
        (lat, lon), start = point(rng), NOW + rng.randrange(-30, 335) * 86_400
        rows.append({"id": a, "organisation_id": rng.randrange(1, 51), "name": "活动", "category": rng.randrange(12),
                     "starts_at": start, "ends_at": start + 3 * 3600, "latitude": lat, "longitude": lon,
                     "radius_m": 200.0, "minute_cap": 180, "points_per_hour": 10, "signin_secret": b"s",
                     "status": "open", "created_at": NOW})  # fmt: skip
        places = rng.randrange(5, 50)
        terms.append({"activity_id": a, "places": places, "places_taken": rng.randrange(0, places + 1),
                      "deadline": None, "mode": "open", "requires_signup": True})  # fmt: skip
    db.execute(insert(Activity), rows)
    db.execute(insert(SignupTerms), terms)
    _seed_volunteers(db, rng, volunteers)
    _seed_needs(db, rng, needs)
    db.commit()


def _seed_volunteers(db, rng: random.Random, count: int) -> None:  # type: ignore[no-untyped-def]
    people, profiles, skills, windows = [], [], [], []
    for v in range(1, count + 1):
        people.append({"id": v, "app_user_id": f"u{v}", "address": f"0x{v:040x}", "real_name": "志愿者",
                       "id_number_masked": "3301**********1234", "identity_salt": "0x", "identity_hash": "0x",
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


def _seed_needs(db, rng: random.Random, count: int) -> None:  # type: ignore[no-untyped-def]
    rows = []
    for n in range(1, count + 1):
        (lat, lon), start = point(rng), NOW + rng.randrange(0, 14 * 24) * 3600
        skills = f'["{rng.choice(SKILLS)}"]' if rng.random() < 0.5 else "[]"
        rows.append({"id": n, "organisation_id": rng.randrange(1, 51), "title": "需求", "category": 1,
                     "skills": skills, "language": None, "latitude": lat, "longitude": lon, "starts_at": start,
                     "ends_at": start + 2 * 3600, "head_count": rng.randrange(1, 6), "status": "open",
                     "activity_id": None, "created_at": NOW})  # fmt: skip
    db.execute(insert(Need), rows)


def timed(action: Callable[[], object], runs: int) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=150_000)
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--needs", type=int, default=1_000)
    args = parser.parse_args()
    rng = random.Random(2019)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'relay.db'}"
        upgrade(url)
        sessions = make_sessionmaker(make_engine(url))
        started = time.perf_counter()
        with sessions() as db:
            seed(db, rng, args.volunteers, args.activities, args.needs)
        seeded = time.perf_counter() - started
        lines = measure(sessions, rng, args)
    header = [
        "# Discover and matching at district scale", "",
        f"`python scripts/bench_journey.py` on {datetime.now(UTC):%Y-%m-%d} (SQLite, one process, service",
        f"functions without HTTP): {args.activities:,} activities, {args.volunteers:,} volunteer profiles,",
        f"{args.needs:,} open needs; seeding took {seeded:.0f} s. Load average (1 min) {load[0]:.1f} before,",
        f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores: other work on the machine slows every figure.", "",
    ]  # fmt: skip
    REPORT.write_text("\n".join(header + lines) + "\n")
    print("\n".join(lines))


def measure(sessions, rng: random.Random, args: argparse.Namespace) -> list[str]:  # type: ignore[no-untyped-def]
    with sessions() as db:

        def nearby() -> object:
            lat, lon = point(rng)
            where = ActivityFilter(when="upcoming", near=Near(lat, lon, 3000), with_free_places=True)
            return find_activities(db=db, where=where, now=NOW, after=None, limit=21)

        listing, _ = timed(nearby, 200)
        needs = list(db.query(Need).order_by(Need.id))
        sample = rng.sample(needs, 30)
        matching = [timed(lambda need=need: fits(db, need), 1)[0][0] for need in sample]
        sizes = [len(fits(db, need)) for need in sample[:10]]
        started = time.perf_counter()
        lists = {need.id: shortlist(db, need) for need in needs}
        listed = time.perf_counter() - started
        started = time.perf_counter()
        chosen = assign(needs, lists)
        solved = time.perf_counter() - started
    places = sum(need.head_count for need in needs)
    filled = sum(len(picked) for picked in chosen.values())
    return [
        "| what | measured | target |", "|---|---|---|",
        f"| nearby activities (3 km, upcoming, free places, one page) | {ms(listing)} | < 50 ms |",
        f"| match one need against every profile | {ms(matching)}; "
        f"{statistics.median(sizes):.0f} fit (median) | < 200 ms |",
        f"| fill all {len(needs):,} needs at once | {listed + solved:.1f} s: shortlists {listed:.1f} s, "
        f"solver {solved:.2f} s; {filled:,} of {places:,} places filled | < 30 s |",
    ]  # fmt: skip


if __name__ == "__main__":
    main()
