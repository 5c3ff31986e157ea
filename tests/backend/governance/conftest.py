"""A governed deployment on its own ganache (the tests move its clock): three departments,
two of which must approve, behind a one-hour timelock. Development accounts 5, 6, 7 are the
departments; 9 is an outsider; 0 deploys (and stays registrar, an operational role)."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_abi import decode
from eth_utils import function_abi_to_4byte_selector, is_address, to_checksum_address
from eth_utils.abi import get_abi_input_types
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError
from web3.types import TxReceipt

from yilian.chain.connection import connect
from yilian.chain.deployment import deploy, development_roles
from yilian.chain.devkeys import DEPLOYER
from yilian.chain.governance import GovernanceSpec
from yilian.chain.localchain import LocalChain, dev_address, dev_private_key
from yilian.chain.manifest import Manifest
from yilian.chain.transactions import Sender
from yilian.governance.council import Consortium

DEPARTMENTS = (5, 6, 7)
OUTSIDER = 9
THRESHOLD = 2
DELAY = 3_600


@dataclass(frozen=True)
class Governed:
    w3: Web3
    manifest: Manifest
    manifest_path: Path
    consortium: Consortium

    def send(self, index: int, function: ContractFunction) -> TxReceipt:
        return Sender(self.w3, dev_private_key(index)).transact(function)

    def refusal(self, index: int, function: ContractFunction) -> tuple[Any, ...]:
        """The custom error `function` reverts with when account `index` sends it: (name, *values)."""
        with pytest.raises(ContractLogicError) as refused:
            function.call({"from": dev_address(index)})
        data = bytes.fromhex(str(refused.value.data).removeprefix("0x"))
        for contract in self.consortium.contracts.values():
            for entry in contract.abi:
                if entry["type"] == "error" and function_abi_to_4byte_selector(entry) == data[:4]:
                    values = decode(get_abi_input_types(entry), data[4:])
                    return (entry["name"], *(to_checksum_address(v) if is_address(v) else v for v in values))
        raise AssertionError(f"unknown revert data 0x{data.hex()}")

    def wait(self, seconds: int) -> None:
        self.w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
        self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def governed_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalChain]:
    with LocalChain(db_path=tmp_path_factory.mktemp("governed-chain") / "db") as chain:
        yield chain


def deploy_governed(chain: LocalChain, directory: Path) -> Governed:
    w3 = connect(chain.rpc_url)
    spec = GovernanceSpec(tuple(dev_address(i) for i in DEPARTMENTS), THRESHOLD, DELAY)
    outcome = deploy(
        "governed",
        w3=w3,
        deployer=dev_private_key(DEPLOYER),
        roles=development_roles(),
        deployments_dir=directory,
        governance=spec,
    )
    return Governed(w3, outcome.manifest, outcome.path, Consortium.open(chain.rpc_url, outcome.path))


@pytest.fixture(scope="session")
def governed(governed_chain: LocalChain, tmp_path_factory: pytest.TempPathFactory) -> Governed:
    """Shared by the tests that leave the council's membership and threshold as they found them."""
    return deploy_governed(governed_chain, tmp_path_factory.mktemp("governed-deployments"))
