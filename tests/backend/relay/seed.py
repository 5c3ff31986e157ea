"""Activity rows written straight into the relay's database: list and sign-up rules need no chain."""

import itertools
import math

from yilian.relay.db.models import Activity, Organisation
from yilian.relay.db.session import transaction
from yilian.relay.signup.models import SignupTerms

from .scenario import VENUE

_ids = itertools.count(1_000_000)
METRES_PER_DEGREE = 111_195.0  # of latitude, on the relay's sphere


def seed(relay, *, mode: str = "open", north_m: float = 0, east_m: float = 0, starts_in: int = -3600, lasts: int = 7200,
         category: int = 1, organisation_id: int = 1, places: int | None = None, taken: int = 0) -> int:  # fmt: skip
    """An activity row `north_m`/`east_m` from the venue (list tests need no chain for it)."""
    now, activity_id = int(relay.clock()), next(_ids)
    lat = VENUE["latitude"] + north_m / METRES_PER_DEGREE
    lon = VENUE["longitude"] + east_m / (METRES_PER_DEGREE * math.cos(math.radians(VENUE["latitude"])))
    with transaction(relay.sessions) as db:
        if db.get(Organisation, organisation_id) is None:
            db.add(Organisation(id=organisation_id, name=f"team {organisation_id}", profile_hash="0x" + "00" * 32))
            db.flush()
        db.add(Activity(
            id=activity_id, organisation_id=organisation_id, name="湿地清洁", category=category,
            starts_at=now + starts_in, ends_at=now + starts_in + lasts, latitude=lat, longitude=lon,
            radius_m=200, minute_cap=600, points_per_hour=10, signin_secret=b"s" * 20, status="open",
        ))  # fmt: skip
        if places is not None:
            db.add(SignupTerms(activity_id=activity_id, places=places, places_taken=taken, mode=mode,
                               requires_signup=True))  # fmt: skip
    return activity_id
