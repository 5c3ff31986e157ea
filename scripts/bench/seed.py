"""Seeding through the relay's API (untimed), and pre-generated request bodies.

Volunteers bring their own address (no custodial keystore), so registration is one chain
transaction each; the relay records it and broadcasts it, and its worker follows it.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
from eth_utils import to_checksum_address
from sqlalchemy import func, select

from yilian.relay.config import DEV_FACE_PROVIDER_KEY
from yilian.relay.db.models import ChainTx
from yilian.relay.db.session import make_engine, make_sessionmaker
from yilian.relay.verification import FakeFaceProvider

VENUE = {"latitude": 30.2741, "longitude": 120.1551}  # as tests/backend/relay/scenario.py
LOCATION = {**VENUE, "accuracy_m": 10}
SIGNIN_PERIOD_S = 30  # Settings.signin_period_s (the default the server runs with)


@dataclass
class Seeded:
    activities: list[int]
    volunteers: list[tuple[str, str]]  # (app_user_id, address)


class Api:
    def __init__(self, url: str, keys: dict[str, str]) -> None:
        self.url = url
        self.keys = keys

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def post(self, client: httpx.Client, path: str, role: str, body: dict, expect: int = 201) -> dict:
        response = client.post(self.url + path, json=body, headers=self.headers(role))
        if response.status_code != expect:
            raise RuntimeError(f"POST {path}: {response.status_code} {response.text}")
        return response.json()


def seed(api: Api, *, prefix: str, activities: int, volunteers: int, threads: int = 8) -> Seeded:
    now = int(time.time())
    with httpx.Client(timeout=120) as client:
        organisation = api.post(client, "/v1/organisations", "admin", {"name": f"{prefix} 西湖区青年志愿者协会"})["id"]
        activity_ids = [
            api.post(client, "/v1/activities", "admin", {
                "organisation_id": organisation, "name": f"湿地清洁 {i}", "category": 1,
                "starts_at": now - 3600, "ends_at": now + 8 * 3600,
                "geofence": {**VENUE, "radius_m": 200}, "minute_cap": 600, "points_per_hour": 10,
            })["id"]
            for i in range(activities)
        ]  # fmt: skip

    people = [(f"{prefix}-{i}", to_checksum_address(os.urandom(20))) for i in range(volunteers)]

    def register(chunk: list[tuple[str, str]]) -> None:
        with httpx.Client(timeout=120) as client:
            for user, address in chunk:
                id_number = f"{int.from_bytes(os.urandom(8), 'big') % 10**18:018d}"  # one person each
                body = {"app_user_id": user, "address": address,
                        "identity": {"real_name": "张三", "id_number": id_number}}  # fmt: skip
                api.post(client, "/v1/volunteers", "app", body)

    chunks = [people[i::threads] for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(register, chunks))
    return Seeded(activity_ids, people)


def wait_chain_settled(database_url: str, timeout_s: float = 600) -> None:
    """Until the worker has confirmed every registration transaction."""
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with sessions() as session:
                open_count = session.scalar(select(func.count()).where(ChainTx.status.in_(("sent", "mined"))))
                bad = session.scalar(select(func.count()).where(ChainTx.status.in_(("failed", "dropped"))))
            if bad:
                raise RuntimeError(f"{bad} seeding transactions failed or were dropped")
            if not open_count:
                return
            time.sleep(0.5)
        raise TimeoutError("seeding transactions still open")
    finally:
        engine.dispose()


def signin_codes(api: Api, activity_ids: list[int]) -> tuple[int, dict[int, str]]:
    """The codes the venue screens show now, and a client time inside their period."""
    with httpx.Client(timeout=30) as client:
        while True:
            codes, valid_until = {}, set()
            for activity in activity_ids:
                response = client.get(f"{api.url}/v1/activities/{activity}/signin-code", headers=api.headers("admin"))
                response.raise_for_status()
                codes[activity] = response.json()["code"]
                valid_until.add(response.json()["valid_until"])
            if len(valid_until) == 1:  # all read in the same period: now is inside it
                return min(int(time.time()), valid_until.pop() - 1), codes


def _assertions(job: tuple[list[str], int]) -> list[str]:
    addresses, at = job
    face = FakeFaceProvider(DEV_FACE_PROVIDER_KEY)
    return [json.dumps(face.assert_match(address, at, 9500).model_dump()) for address in addresses]


def face_assertions(addresses: list[str], at: int, processes: int = 2) -> list[str]:
    """FakeFaceProvider(DEV_FACE_PROVIDER_KEY) assertions (JSON) for each address, at `at`."""
    chunks = [addresses[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        results = list(pool.map(_assertions, [(chunk, at) for chunk in chunks]))
    out: list[str] = [""] * len(addresses)
    for i, result in enumerate(results):
        out[i::processes] = result
    return out


def write_checkin_plan(
    path: Path, seeded: Seeded, *, sessions: int, at: int, codes: dict[int, str], checkout_after_s: int | None
) -> int:
    """One line per volunteer for relay.lua: user, activity, check-out body, check-in bodies.
    Volunteer i checks in at activity i mod A, `sessions` times, with client time `at`; the
    check-out's client time is `checkout_after_s` later (None: none sent, the relay's clock)."""
    addresses = [address for _, address in seeded.volunteers for _ in range(sessions)]
    faces = face_assertions(addresses, at)
    lines = []
    for i, (user, _address) in enumerate(seeded.volunteers):
        activity = seeded.activities[i % len(seeded.activities)]
        checkout: dict[str, object] = {"app_user_id": user, "location": LOCATION}
        if checkout_after_s is not None:
            checkout["client_time"] = at + checkout_after_s
        bodies = [
            f'{{"app_user_id":{json.dumps(user)},"location":{json.dumps(LOCATION)},"signin_code":"{codes[activity]}",'
            f'"face_assertion":{faces[i * sessions + k]},"client_time":{at}}}'
            for k in range(sessions)
        ]
        lines.append("\t".join([user, str(activity), json.dumps(checkout), *bodies]))
    path.write_text("\n".join(lines) + "\n")
    return len(lines) * sessions
