"""The relay under test: a real ganache, the real contracts, a real database (SQLite and
PostgreSQL), the FastAPI app in process. Only the identity provider is a fake, and it signs
like the real one."""

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from yilian.chain.connection import connect
from yilian.chain.deployment import Roles, deploy_all
from yilian.chain.localchain import LocalChain, dev_address, dev_private_key
from yilian.relay.api.deps import get_clock
from yilian.relay.app import create_app
from yilian.relay.auth import create_api_key
from yilian.relay.config import DEV_FACE_PROVIDER_KEY, Settings
from yilian.relay.db.migrate import upgrade
from yilian.relay.db.session import make_engine, make_sessionmaker, transaction
from yilian.relay.verification import FakeFaceProvider

POSTGRES_ADMIN_URL = os.environ.get("YILIAN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def deploy_to(chain: LocalChain, manifest_path: Path) -> Path:
    w3 = connect(chain.rpc_url)
    roles = Roles(
        registrar=dev_address(0), attester=dev_address(1), auditor=dev_address(2), merchant_manager=dev_address(0)
    )
    deploy_all(w3, dev_private_key(0), roles=roles, revocation_window=30 * 86_400).save(manifest_path)
    return manifest_path


@pytest.fixture(scope="session")
def relay_chain(tmp_path_factory) -> Iterator[tuple[LocalChain, Path]]:
    """An instamine ganache with the contracts deployed, shared by the API tests."""
    folder = tmp_path_factory.mktemp("relay-chain")
    with LocalChain() as chain:
        yield chain, deploy_to(chain, folder / "manifest.json")


def _postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh, migrated database of each kind. PostgreSQL tests skip visibly where no server
    runs, except under CI, where PostgreSQL must be there."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'relay.db'}"
        upgrade(url)
        yield url
        return
    if not _postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}")
    name = f"yilian_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    make_engine(url).dispose()
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class Clock:
    now: float = field(default_factory=time.time)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Relay:
    client: TestClient
    settings: Settings
    clock: Clock
    keys: dict[str, str]

    def headers(self, role: str, idempotency_key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.keys[role]}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    @property
    def worker(self):  # type: ignore[no-untyped-def]
        return self.client.app.state.worker

    @property
    def chain(self):  # type: ignore[no-untyped-def]
        return self.client.app.state.chain

    @property
    def sessions(self):  # type: ignore[no-untyped-def]
        return self.client.app.state.sessions


def relay_settings(database_url: str, rpc_url: str, manifest: Path, **overrides) -> Settings:
    return Settings(
        database_url=database_url, rpc_url=rpc_url, manifest_path=manifest,
        run_worker=False, batch_max_age_s=0.0, poll_interval_s=0.05, receipt_timeout_s=20, **overrides,
    )  # fmt: skip


def _overrides(request: pytest.FixtureRequest) -> dict:
    """Settings a test module changes for its relay through a `relay_overrides` fixture of its
    own (e.g. poa=True on the PoA chain); none where no such fixture is in scope."""
    try:
        return request.getfixturevalue("relay_overrides")
    except pytest.FixtureLookupError:
        return {}


@pytest.fixture
def relay(relay_chain, database_url, request) -> Iterator[Relay]:
    chain, manifest = relay_chain
    settings = relay_settings(database_url, chain.rpc_url, manifest, **_overrides(request))
    keys = {}
    with transaction(make_sessionmaker(make_engine(database_url))) as session:
        for role in ("app", "organiser", "auditor", "admin"):
            keys[role] = create_api_key(session, name=f"test {role}", role=role)[1]
    clock = Clock()
    app = create_app(settings)
    app.dependency_overrides[get_clock] = lambda: clock
    with TestClient(app) as client:
        yield Relay(client, settings, clock, keys)


@pytest.fixture(scope="session")
def face_provider() -> FakeFaceProvider:
    return FakeFaceProvider(DEV_FACE_PROVIDER_KEY)
