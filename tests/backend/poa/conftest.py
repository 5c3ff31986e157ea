"""The project's Clique PoA chain (EthereumJS, a block a second) with the journey's contracts and
roles deployed, and the relay on it (YILIAN_POA). Run these tests alone with
`pytest tests/backend/poa` or `-m poa`."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backend.audit.journey import ROLES, database_url, face_provider, journey, relay  # noqa: F401 - fixtures
from yilian.chain.connection import connect
from yilian.chain.deployment import Roles, deploy_all
from yilian.chain.localchain import dev_address, dev_private_key
from yilian.chain.poa import PoaChain

BLOCK_PERIOD_S = 1  # clique.period: EthereumJS seals 1 s blocks reliably; production QBFT runs 2 s


@pytest.fixture(scope="session")
def poa_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PoaChain]:
    folder = tmp_path_factory.mktemp("poa")
    with PoaChain(period_s=BLOCK_PERIOD_S, data_dir=folder / "chain", log_path=folder / "node.log") as chain:
        yield chain


@pytest.fixture(scope="session")
def poa_manifest(poa_chain: PoaChain, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four contracts, deployed with explicit gas limits (the node cannot estimate gas)."""
    manifest = tmp_path_factory.mktemp("poa-deployment") / "manifest.json"
    roles = Roles(**{role: dev_address(index) for role, index in ROLES.items()})
    w3 = connect(poa_chain.rpc_url, poa=True)
    deploy_all(w3, dev_private_key(0), roles=roles, revocation_window=30 * 86_400).save(manifest)
    return manifest


@pytest.fixture
def relay_chain(poa_chain: PoaChain, poa_manifest: Path) -> tuple[PoaChain, Path]:
    return poa_chain, poa_manifest


@pytest.fixture
def relay_overrides() -> dict:
    return {"poa": True}
