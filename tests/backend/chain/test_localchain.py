"""LocalChain: ganache as configured, state kept across restarts, Anvil as the fast option."""

from pathlib import Path

import pytest
from web3.types import RPCEndpoint

from yilian.chain.connection import connect
from yilian.chain.deployment import deploy, development_roles
from yilian.chain.devkeys import DEPLOYER
from yilian.chain.localchain import (
    BLOCK_GAS_LIMIT,
    DEV_MNEMONIC,
    LocalChain,
    LocalChainError,
    dev_address,
    dev_private_key,
)


def _check_dev_chain(rpc_url: str) -> None:
    w3 = connect(rpc_url)
    latest = w3.eth.get_block("latest")
    assert w3.eth.chain_id == 1337
    assert w3.eth.accounts == [dev_address(i) for i in range(20)]
    assert latest["gasLimit"] == BLOCK_GAS_LIMIT
    assert "baseFeePerGas" in latest  # london


def test_ganache_runs_the_project_settings(local_chain):
    _check_dev_chain(local_chain.rpc_url)


def test_dev_keys_are_the_well_known_ones():
    assert DEV_MNEMONIC == "test test test test test test test test test test test junk"
    assert dev_address(0) == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    assert dev_private_key(0).startswith("0xac0974bec39a17e3")


def test_restart_keeps_the_chain(tmp_path):
    with LocalChain(db_path=tmp_path / "db") as chain:
        port = chain.port
        first = deploy(
            "restart",
            chain.rpc_url,
            deployer=dev_private_key(DEPLOYER),
            roles=development_roles(),
            deployments_dir=tmp_path,
        )
        height = connect(chain.rpc_url).eth.block_number
        chain.restart()
        assert chain.port == port
        w3 = connect(chain.rpc_url)
        assert w3.eth.block_number == height
        assert w3.eth.get_code(first.manifest.address("HourLedger"))
        again = deploy(
            "restart",
            w3=w3,
            deployer=dev_private_key(DEPLOYER),
            roles=development_roles(),
            deployments_dir=tmp_path,
        )
        assert again.reused
    assert not chain.is_running()


def test_a_busy_port_is_refused(local_chain):
    with pytest.raises(LocalChainError, match="in use"):
        LocalChain(port=local_chain.port).start()


def test_interval_mining_and_database_reach_ganache(tmp_path):
    command = LocalChain(port=1, block_time=2, db_path=tmp_path).command()
    assert command[command.index("--miner.blockTime") + 1] == "2"
    assert command[command.index("--database.dbPath") + 1] == str(tmp_path)
    assert command[command.index("--chain.hardfork") + 1] == "london"


def test_anvil_starts_with_the_same_settings():
    with LocalChain(kind="anvil") as chain:
        _check_dev_chain(chain.rpc_url)


def test_interval_mining_reaches_anvil():
    command = LocalChain(kind="anvil", port=1, block_time=2).command()
    assert command[command.index("--block-time") + 1] == "2"
    assert command[command.index("--hardfork") + 1] == "london"


def test_anvil_leaves_no_block_states_on_disk():
    states = Path.home() / ".foundry" / "anvil" / "tmp"
    before = set(states.iterdir()) if states.exists() else set()
    with LocalChain(kind="anvil") as chain:
        w3 = connect(chain.rpc_url)
        w3.provider.make_request(RPCEndpoint("anvil_mine"), [hex(4096)])  # past its in-memory states
        assert w3.eth.block_number >= 4096
    after = set(states.iterdir()) if states.exists() else set()
    assert after - before == set()


def test_anvil_has_no_persistent_database(tmp_path):
    with pytest.raises(ValueError, match="in memory"):
        LocalChain(kind="anvil", db_path=tmp_path)
