"""A small but complete journey, shared by the audit, certificate and statistics tests.

Two organisations, two activities (categories 1 and 2), three volunteers with their own wallets,
six sessions through the relay API, a redemption and a settlement at a merchant, and one
session revoked by the auditor (dev account 2 holds AUDITOR_ROLE).

Every test gets freshly deployed contracts: the deployment is made once per session and each
test runs from a ganache snapshot of it, so the events a test audits are its journey's alone.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from web3 import Web3

from tests.backend.relay.conftest import Relay, database_url, face_provider, relay  # noqa: F401
from tests.backend.relay.scenario import Scenario
from yilian.chain.connection import connect
from yilian.chain.deployment import Roles, deploy_all
from yilian.chain.localchain import LocalChain, dev_address, dev_private_key
from yilian.chain.manifest import Manifest
from yilian.chain.transactions import Sender
from yilian.relay.worker import wait_until_idle
from yilian.stats.period import day_of

AUDITOR, MERCHANT_MANAGER, MERCHANT = 2, 3, 4
# The merchant manager is not the deployer: account 0 is the relay's submitter, whose nonces
# the relay allocates itself.
ROLES = {"registrar": 0, "attester": 1, "auditor": AUDITOR, "merchant_manager": MERCHANT_MANAGER}
VOLUNTEER_ACCOUNTS = (10, 11, 12)
# (volunteer, activity, minutes) in the order they happen.
SESSIONS = ((0, 0, 90), (0, 1, 60), (1, 0, 45), (2, 1, 120), (2, 0, 30), (0, 0, 40))
POINTS_PER_HOUR = (10, 20)
REVOKED = 1  # index in SESSIONS: volunteer 0's session in activity 1
OFFER_PRICE, SETTLED = 500, 300


@dataclass
class Session:
    uid: str
    volunteer: str  # address
    app_user_id: str
    activity_id: int
    session: int
    minutes: int
    points: int
    check_in: int
    revoked: bool = False


@dataclass
class Journey:
    relay: Relay
    w3: Web3
    manifest: Manifest
    manifest_path: Path
    organisations: list[int]
    activities: list[dict]
    volunteers: list[dict]
    sessions: list[Session] = field(default_factory=list)
    started_at: int = 0  # relay clock, before the first check-in
    ended_at: int = 0  # relay clock, after the last check-out

    @property
    def database_url(self) -> str:
        return self.relay.settings.database_url

    @property
    def rpc_url(self) -> str:
        return self.relay.settings.rpc_url

    def contract(self, name: str):  # type: ignore[no-untyped-def]
        return self.manifest.contract(self.w3, name)

    def period(self) -> tuple[str, str]:
        """Days that hold the journey, with a day either side: its relay clock runs hours ahead
        and may cross midnight in China time."""
        first, last = day_of(self.started_at) - timedelta(days=1), day_of(self.ended_at) + timedelta(days=1)
        return first.isoformat(), last.isoformat()

    def standing(self) -> list[Session]:
        return [s for s in self.sessions if not s.revoked]

    def minutes_of(self, address: str) -> int:
        return sum(s.minutes for s in self.standing() if s.volunteer == address)

    def send(self, account: int, call) -> None:  # type: ignore[no-untyped-def]
        Sender(self.w3, dev_private_key(account)).transact(call)


@pytest.fixture(scope="session")
def journey_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalChain, Path]]:
    manifest = tmp_path_factory.mktemp("journey-chain") / "manifest.json"
    with LocalChain() as chain:
        roles = Roles(**{role: dev_address(index) for role, index in ROLES.items()})
        deploy_all(connect(chain.rpc_url), dev_private_key(0), roles=roles, revocation_window=30 * 86_400).save(
            manifest
        )
        yield chain, manifest


@pytest.fixture
def relay_chain(journey_chain: tuple[LocalChain, Path]) -> Iterator[tuple[LocalChain, Path]]:
    """Overrides the relay tests' shared chain with a fresh deployment (snapshot, revert)."""
    chain, manifest = journey_chain
    provider = connect(chain.rpc_url).provider
    snapshot = provider.make_request("evm_snapshot", [])["result"]
    yield chain, manifest
    provider.make_request("evm_revert", [snapshot])


def _organisation(api: Relay, name: str) -> int:
    response = api.client.post("/v1/organisations", json={"name": name}, headers=api.headers("admin"))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _activity(api: Relay, scenario_activity: dict, organisation_id: int, category: int, name: str, points: int) -> dict:
    body = {**scenario_activity, "organisation_id": organisation_id, "category": category, "name": name,
            "points_per_hour": points}  # fmt: skip
    response = api.client.post("/v1/activities", json=body, headers=api.headers("organiser"))
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def journey(relay: Relay, face_provider) -> Journey:  # noqa: F811
    scenario = Scenario(relay, face_provider)
    w3 = connect(relay.settings.rpc_url, poa=relay.settings.poa)
    manifest = Manifest.load(relay.settings.manifest_path)
    organisations = [_organisation(relay, "西湖区青年志愿者协会"), _organisation(relay, "西湖区妇联巾帼志愿队")]
    now = int(relay.clock())
    template = {"starts_at": now - 3600, "ends_at": now + 8 * 3600, "minute_cap": 600,
                "geofence": {"latitude": 30.2741, "longitude": 120.1551, "radius_m": 200}}  # fmt: skip
    activities = [
        _activity(relay, template, organisations[0], 1, "湿地清洁", POINTS_PER_HOUR[0]),
        _activity(relay, template, organisations[1], 2, "社区助老", POINTS_PER_HOUR[1]),
    ]
    volunteers = [scenario.volunteer(address=dev_address(index)) for index in VOLUNTEER_ACCOUNTS]
    journey = Journey(relay, w3, manifest, relay.settings.manifest_path, organisations, activities, volunteers)

    journey.started_at = int(relay.clock())
    for who, which, minutes in SESSIONS:
        volunteer, activity = volunteers[who], activities[which]
        visit = scenario.check_in(activity, volunteer)
        relay.clock.advance(minutes * 60)
        attestation = scenario.check_out(visit, volunteer)["attestation"]
        assert attestation["minutes"] == minutes
        journey.sessions.append(Session(
            attestation["uid"], volunteer["address"], volunteer["app_user_id"], activity["id"],
            attestation["session"], minutes, minutes * POINTS_PER_HOUR[which] * 100 // 60, attestation["check_in"],
        ))  # fmt: skip
        relay.clock.advance(60)
    journey.ended_at = int(relay.clock())
    wait_until_idle(relay.worker, 60)  # a PoA chain seals a block a second, and waits for depth

    # A redemption at a merchant, and a partial settlement.
    alliance = journey.contract("MerchantAlliance")
    journey.send(MERCHANT_MANAGER, alliance.functions.registerMerchant(dev_address(MERCHANT), 1, b"\x01" * 32))
    chain_now = w3.eth.get_block("latest")["timestamp"]
    journey.send(MERCHANT, alliance.functions.createOffer(
        dev_address(MERCHANT), OFFER_PRICE, 10, chain_now - 60, chain_now + 86_400, b"\x02" * 32
    ))  # fmt: skip
    journey.send(VOLUNTEER_ACCOUNTS[0], alliance.functions.redeem(1, 1, OFFER_PRICE))
    journey.send(MERCHANT, alliance.functions.settle(SETTLED))

    # The auditor revokes one session.
    revoked = journey.sessions[REVOKED]
    ledger = journey.contract("HourLedger")
    journey.send(
        AUDITOR, ledger.functions.revoke(revoked.volunteer, revoked.activity_id, revoked.session, "复核未通过")
    )
    revoked.revoked = True
    return journey
