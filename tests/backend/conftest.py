"""Chain fixtures shared by the backend tests: a local ganache and the contracts deployed on it.

Development accounts (the public mnemonic in `yilian.chain.localchain`) play fixed roles in
`deployed`: 0 deployer, admin, registrar and merchant manager; 1 attester (the relay's signing
key); 2 auditor. Their keys come from `dev_private_key(index)`. The session chain is shared:
a test that stops, restarts or time-travels a chain starts its own `LocalChain`.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from web3 import Web3

from yilian.chain.connection import connect
from yilian.chain.deployment import Roles, deploy
from yilian.chain.localchain import LocalChain, dev_address, dev_private_key
from yilian.chain.manifest import Manifest

DEPLOYER = 0


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "poa: on the project's Clique PoA chain (EthereumJS); run alone with -m poa")


DEV_ROLES = {"registrar": 0, "attester": 1, "auditor": 2, "merchant_manager": 0}


def dev_roles() -> Roles:
    return Roles(**{role: dev_address(index) for role, index in DEV_ROLES.items()})


@dataclass(frozen=True)
class Deployed:
    w3: Web3
    manifest: Manifest
    manifest_path: Path
    roles: Roles


@pytest.fixture(scope="session")
def local_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    """Ganache (london, chain 1337) on a free port, its database in a temporary directory."""
    with LocalChain(db_path=tmp_path_factory.mktemp("chain") / "db") as chain:
        yield chain


@pytest.fixture(scope="session")
def deployed(local_chain: LocalChain, tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    """The four contracts on `local_chain`, roles granted, manifest in a temporary directory."""
    w3 = connect(local_chain.rpc_url)
    roles = dev_roles()
    outcome = deploy(
        "test",
        w3=w3,
        deployer=dev_private_key(DEPLOYER),
        roles=roles,
        deployments_dir=tmp_path_factory.mktemp("deployments"),
    )
    return Deployed(w3, outcome.manifest, outcome.path, roles)
