"""Volunteer apps under load: each volunteer checks in, stays a minute or so, checks out, and
starts again at the next activity, until the load stops. Requests go to either replica; one
that meets a dropped connection or a 5xx is sent again, with the same Idempotency-Key and body,
until the relay answers it. The apps keep their own record of every check-out answered 2xx."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from bench.seed import LOCATION

from yilian.relay.config import DEV_FACE_PROVIDER_KEY
from yilian.relay.verification import FakeFaceProvider

GIVE_UP_S = 600  # a request unanswered this long counts as unanswered (the soak then fails)
RETRYABLE_CONFLICT = "concurrent_request"  # the same key in flight on the other replica


@dataclass
class AppRecord:
    """What the apps were told, and what it took."""

    checked_out: dict[str, int] = field(default_factory=dict)  # uid → minutes, answered 2xx
    check_ins: int = 0
    attempts: Counter[str] = field(default_factory=Counter)  # "check-out 503" → how many answers
    refused: Counter[str] = field(default_factory=Counter)  # a final 4xx: "422 clock_skew"
    retried: int = 0  # requests answered only after more than one attempt
    answered_after_503: int = 0  # of those, ones that met a 503 on the way
    unanswered: int = 0
    longest_s: float = 0.0  # the longest a request took to its answer, retries included

    @property
    def requests(self) -> int:
        return sum(self.attempts.values())


class SigninCodes:
    """The venue screens: each activity's current code, read from the organiser API."""

    def __init__(self, apps: Apps) -> None:
        self.apps = apps
        self._codes: dict[int, tuple[str, int]] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    async def code(self, activity: int) -> tuple[str, int]:
        """(code, a client time inside its period)."""
        async with self._locks.setdefault(activity, asyncio.Lock()):
            code, valid_until = self._codes.get(activity, ("", 0))
            if time.time() >= valid_until - 1:
                answer = await self.apps.send("GET", f"/v1/activities/{activity}/signin-code", None, "code", "admin")
                if answer is None:
                    raise RuntimeError("no sign-in code")
                code, valid_until = answer["code"], answer["valid_until"]
                self._codes[activity] = (code, valid_until)
        return code, min(int(time.time()), valid_until - 1)


class Apps:
    def __init__(
        self, replicas: list[str], keys: dict[str, str], activities: list[int], volunteers: list[tuple[str, str]],
        *, stay_s: tuple[float, float], rng: random.Random,
    ) -> None:  # fmt: skip
        self.replicas = replicas
        self.keys = keys
        self.activities = activities
        self.volunteers = volunteers
        self.stay_s = stay_s
        self.rng = rng
        self.record = AppRecord()
        self.codes = SigninCodes(self)
        self.face = FakeFaceProvider(DEV_FACE_PROVIDER_KEY)
        self._client = httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=64))

    async def run(self, load_until: Any) -> None:
        """Every volunteer serves until `load_until()` turns false, then finishes the session."""
        try:
            await asyncio.gather(*(self._volunteer(i, load_until) for i in range(len(self.volunteers))))
        finally:
            await self._client.aclose()

    async def _volunteer(self, index: int, load_until: Any) -> None:
        user, address = self.volunteers[index]
        await asyncio.sleep(self.rng.uniform(0, self.stay_s[1]))  # a steady load, not waves
        rounds = 0
        while load_until():
            activity = self.activities[(index + rounds) % len(self.activities)]
            rounds += 1
            code, at = await self.codes.code(activity)
            face = self.face.assert_match(address, at, 9500).model_dump()
            body = {"app_user_id": user, "location": LOCATION, "signin_code": code, "face_assertion": face,
                    "client_time": at}  # fmt: skip
            visit = await self.send("POST", f"/v1/activities/{activity}/check-ins", body, "check-in")
            if visit is None:
                await asyncio.sleep(1)
                continue
            self.record.check_ins += 1
            await asyncio.sleep(self.rng.uniform(*self.stay_s))
            body = {"app_user_id": user, "location": LOCATION}
            answer = await self.send("POST", f"/v1/check-ins/{visit['id']}/check-out", body, "check-out")
            if answer is not None and answer["attestation"] is not None:
                self.record.checked_out[answer["attestation"]["uid"]] = answer["attestation"]["minutes"]

    async def send(self, method: str, path: str, body: Any, kind: str, role: str = "app") -> Any:
        """The answer's JSON when 2xx; None when refused (4xx) or unanswered for GIVE_UP_S."""
        headers = {
            "Authorization": f"Bearer {self.keys[role]}", "Idempotency-Key": str(uuid.uuid4()),
            "Content-Type": "application/json",
        }  # fmt: skip
        content = None if body is None else json.dumps(body)
        started, attempts, met_503 = time.monotonic(), 0, False
        replica = self.rng.randrange(len(self.replicas))
        while time.monotonic() - started < GIVE_UP_S:
            attempts += 1
            url = self.replicas[replica % len(self.replicas)] + path
            replica += 1  # a retry goes to the other replica
            try:
                response = await self._client.request(method, url, content=content, headers=headers)
            except httpx.TransportError:
                self.record.attempts[f"{kind}: no answer"] += 1
                await asyncio.sleep(min(2.0, 0.1 * attempts))
                continue
            self.record.attempts[f"{kind} {response.status_code}"] += 1
            met_503 |= response.status_code == 503
            if response.status_code < 300:
                self._answered(attempts, met_503, started)
                return response.json()
            if response.status_code < 500 and response.json().get("code") != RETRYABLE_CONFLICT:
                self.record.refused[f"{kind} {response.status_code} {response.json().get('code')}"] += 1
                return None
            await asyncio.sleep(min(2.0, 0.1 * attempts))
        self.record.unanswered += 1
        return None

    def _answered(self, attempts: int, met_503: bool, started: float) -> None:
        self.record.retried += attempts > 1
        self.record.answered_after_503 += met_503
        self.record.longest_s = max(self.record.longest_s, time.monotonic() - started)
