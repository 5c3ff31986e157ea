"""What a volunteer app and an organiser do, as calls on the relay API (shared by the tests)."""

import itertools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from eth_account import Account
from sqlalchemy import func, select

from yilian.relay.auth import create_api_key
from yilian.relay.db.models import Activity, Attestation, ChainTx, CheckIn, Volunteer
from yilian.relay.db.session import transaction
from yilian.relay.verification import FakeFaceProvider, code_at
from yilian.relay.worker import wait_until_idle

if TYPE_CHECKING:
    from .conftest import Relay

VENUE = {"latitude": 30.2741, "longitude": 120.1551}  # Xixi wetland, Hangzhou
IDENTITY = {"real_name": "张三", "id_number": "330106199001011234"}  # one person: registers once
_user_ids = itertools.count(1)

Body = dict[str, Any]
Headers = dict[str, str]


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    """The relay's error shape: the HTTP status and the stable machine-readable `code`."""
    assert (response.status_code, response.json().get("code")) == (status, code), response.text


def row_counts(relay: "Relay") -> dict[str, int]:
    """What a request could write: check-ins (all and open), attestations, volunteers, chain txs."""
    queries = {
        "check_ins": select(func.count()).select_from(CheckIn),
        "open_check_ins": select(func.count()).select_from(CheckIn).where(CheckIn.status == "open"),
        "attestations": select(func.count()).select_from(Attestation),
        "volunteers": select(func.count()).select_from(Volunteer),
        "chain_txs": select(func.count()).select_from(ChainTx),
    }
    with relay.sessions() as session:
        return {name: session.scalar(query) for name, query in queries.items()}


def assert_rejected(relay: "Relay", send: Callable[[], httpx.Response], status: int, code: str) -> httpx.Response:
    """Sends a request that must fail with `status` and `code` and leave the database as it was."""
    before = row_counts(relay)
    response = send()
    assert_error(response, status, code)
    assert row_counts(relay) == before, "a rejected request wrote to the database"
    return response


@dataclass
class Scenario:
    relay: "Relay"
    face: FakeFaceProvider

    def organisation(self) -> int:
        body, headers = {"name": "西湖区青年志愿者协会"}, self.relay.headers("admin")
        response = self.relay.client.post("/v1/organisations", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def activity(self, organisation_id: int, *, minute_cap: int = 600, points_per_hour: int = 10,
                 starts_in: int = -3600, lasts: int = 8 * 3600, face_at_check_out: bool = False) -> dict:  # fmt: skip
        now = int(self.relay.clock())
        body = {
            "organisation_id": organisation_id, "name": "湿地清洁", "category": 1,
            "starts_at": now + starts_in, "ends_at": now + starts_in + lasts,
            "geofence": {**VENUE, "radius_m": 200}, "minute_cap": minute_cap,
            "points_per_hour": points_per_hour, "face_at_check_out": face_at_check_out,
        }  # fmt: skip
        headers = self.relay.headers("organiser", organisation=organisation_id)
        response = self.relay.client.post("/v1/activities", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()

    def open_activity(self, **terms: int) -> dict:
        """A new organisation with one activity; `terms` as for `activity`."""
        return self.activity(self.organisation(), **terms)

    def activity_and_volunteer(self, **terms: int) -> tuple[dict, dict]:
        """A new open activity (`terms` as for `activity`) and a volunteer with their own wallet."""
        return self.open_activity(**terms), self.volunteer(own_wallet=True)

    def close(self, activity: dict) -> dict:
        headers = self.relay.headers("organiser", organisation=activity["organisation_id"])
        response = self.relay.client.post(f"/v1/activities/{activity['id']}/close", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    def volunteer_body(self, *, address: str | None = None, **identity: str) -> Body:
        """A registration of a new app user, a person of their own (a fresh ID number);
        `identity` overrides the real name or ID number."""
        user = f"user-{next(_user_ids)}"
        person = {**IDENTITY, "id_number": f"3301061990{secrets.randbelow(10**8):08d}"}
        return {"app_user_id": user, "address": address, "identity": {**person, **identity}}

    def register(self, body: Body, headers: Headers | None = None) -> httpx.Response:
        return self.post("/v1/volunteers", body, headers)

    def registration_refused(
        self, body: Body, status: int, code: str, headers: Headers | None = None
    ) -> httpx.Response:
        """Posts a registration that must fail with `status` and `code`, writing nothing."""
        return assert_rejected(self.relay, lambda: self.register(body, headers), status, code)

    def volunteer(self, *, address: str | None = None, own_wallet: bool = False) -> dict:
        """A registered volunteer; `own_wallet` brings a fresh address instead of a custodial key,
        which skips the keystore's scrypt (~0.25 s) where custody does not matter."""
        if own_wallet:
            address = Account.create().address
        response = self.register(self.volunteer_body(address=address))
        assert response.status_code == 201, response.text
        return response.json()

    def read_volunteer(self, volunteer: dict) -> dict:
        headers = self.relay.headers("app")
        response = self.relay.client.get(f"/v1/volunteers/{volunteer['app_user_id']}", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    def suspend(self, volunteer: dict) -> dict:
        response = self.relay.client.post(
            f"/v1/volunteers/{volunteer['app_user_id']}/suspend",
            json={"reason": "no-show twice"},
            headers=self.relay.headers("admin"),  # an organiser only for volunteers it knows
        )
        assert response.status_code == 200, response.text
        return response.json()

    def check_in_body(self, activity: dict, volunteer: dict, *, at: int | None = None, **changes: Any) -> dict:
        at = at or int(self.relay.clock())
        body = {
            "app_user_id": volunteer["app_user_id"],
            "location": {**VENUE, "accuracy_m": 10},
            "signin_code": self.signin_code(activity, at),
            "face_assertion": self.face.assert_match(volunteer["address"], at, 9500).model_dump(),
            "client_time": at,
        }
        body.update(changes)
        return body

    def signin_code(self, activity: dict, at: int) -> str:
        """The code the venue's screen shows at unix time `at`."""
        return code_at(self._secret(activity["id"]), at, self.relay.settings.signin_period_s)

    def post_check_in(self, activity_id: int, body: Body | str, headers: Headers | None = None) -> httpx.Response:
        return self.post(f"/v1/activities/{activity_id}/check-ins", body, headers)

    def check_in(self, activity: dict, volunteer: dict, **kwargs) -> dict:
        body = self.check_in_body(activity, volunteer, **kwargs)
        response = self.post_check_in(activity["id"], body)
        assert response.status_code == 201, response.text
        return response.json()

    def check_in_refused(
        self, activity_id: int, body: Body | str, status: int, code: str,
        headers: Headers | None = None,
    ) -> httpx.Response:  # fmt: skip
        """Posts a check-in that must fail with `status` and `code`, writing nothing."""
        return assert_rejected(self.relay, lambda: self.post_check_in(activity_id, body, headers), status, code)

    def check_out_body(self, volunteer: dict, *, at: int | None = None, **changes: Any) -> Body:
        location = {**VENUE, "accuracy_m": 10}
        return {"app_user_id": volunteer["app_user_id"], "location": location, "client_time": at, **changes}

    def post_check_out(self, check_in_id: str, body: Body, headers: Headers | None = None) -> httpx.Response:
        return self.post(f"/v1/check-ins/{check_in_id}/check-out", body, headers)

    def check_out(self, visit: dict, volunteer: dict, *, at: int | None = None) -> dict:
        response = self.post_check_out(visit["id"], self.check_out_body(volunteer, at=at))
        assert response.status_code == 200, response.text
        return response.json()

    def check_out_refused(
        self, check_in_id: str, body: Body, status: int, code: str, headers: Headers | None = None
    ) -> httpx.Response:
        """Posts a check-out that must fail with `status` and `code`, writing nothing."""
        return assert_rejected(self.relay, lambda: self.post_check_out(check_in_id, body, headers), status, code)

    def serve(self, activity: dict, volunteer: dict, seconds: int) -> dict:
        """Checks in now, stays `seconds` (the relay clock moves on) and checks out: the answer."""
        visit = self.check_in(activity, volunteer)
        self.relay.clock.advance(seconds)
        return self.check_out(visit, volunteer, at=int(self.relay.clock()))

    def settle(self) -> None:
        """Runs the outbox worker until every attestation is confirmed or rejected on chain."""
        wait_until_idle(self.relay.worker, timeout_s=30)

    def attestation(self, uid: str) -> dict:
        headers = self.relay.headers("app")
        response = self.relay.client.get(f"/v1/attestations/{uid}", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    def minutes_on_chain(self, volunteer: dict, activity: dict) -> int:
        ledger = self.relay.chain.ledger
        return ledger.functions.minutesInActivity(volunteer["address"], activity["id"]).call()

    def api_key(self, role: str, *, revoked: bool = False, organisation: int | None = None) -> str:
        """Another API key's secret, as `yilian relay create-key` would give it."""
        with transaction(self.relay.sessions) as session:
            key, secret = create_api_key(session, name=f"extra {role}", role=role, organisation_id=organisation)
            if revoked:
                key.revoked_at = int(time.time())
        return secret

    def mined(self, tx_hash: str) -> Any:
        """The receipt of a transaction the relay sent, once ganache has mined it."""
        receipt = self.relay.chain.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=10)
        assert receipt["status"] == 1, receipt
        return receipt

    def post(self, path: str, body: Body | str, headers: Headers | None = None) -> httpx.Response:
        """POSTs `body` (JSON, or raw text as is) with the app's API key unless `headers` differ."""
        headers = self.relay.headers("app") if headers is None else headers
        if isinstance(body, str):  # raw text, e.g. malformed JSON
            return self.relay.client.post(path, content=body, headers={**headers, "Content-Type": "application/json"})
        return self.relay.client.post(path, json=body, headers=headers)

    def _secret(self, activity_id: int) -> bytes:
        with self.relay.sessions() as session:
            return session.get(Activity, activity_id).signin_secret
