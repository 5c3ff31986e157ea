"""Deployment on a local chain: contracts, roles, manifest, and the once-per-chain rule."""

import json
import subprocess
import sys

import pytest

from yilian.chain.deployment import DEFAULT_REVOCATION_WINDOW, default_roles, deploy, development_roles, main
from yilian.chain.devkeys import DEPLOYER, DEV_ROLE_ACCOUNTS
from yilian.chain.localchain import LocalChain, dev_address
from yilian.chain.manifest import CONTRACT_NAMES, Manifest

ROLE_GRANTS = [
    ("VolunteerRegistry", "REGISTRAR_ROLE", "registrar"),
    ("HourLedger", "AUDITOR_ROLE", "auditor"),
    ("MerchantAlliance", "MERCHANT_MANAGER_ROLE", "merchant_manager"),
]


@pytest.mark.parametrize(("contract", "role", "holder"), ROLE_GRANTS)
def test_operational_roles_are_granted(deployed, contract, role, holder):
    functions = deployed.manifest.contract(deployed.w3, contract).functions
    role_id = getattr(functions, role)().call()
    assert functions.hasRole(role_id, getattr(deployed.roles, holder)).call()
    assert not functions.hasRole(role_id, dev_address(9)).call()


@pytest.mark.parametrize("contract", CONTRACT_NAMES)
def test_deployer_is_admin(deployed, contract):
    functions = deployed.manifest.contract(deployed.w3, contract).functions
    assert functions.hasRole(bytes(32), dev_address(DEPLOYER)).call()


def test_contracts_are_wired_together(deployed):
    m, w3 = deployed.manifest, deployed.w3
    ledger, yicoin = m.contract(w3, "HourLedger"), m.contract(w3, "YiCoin")
    assert ledger.functions.registry().call() == m.address("VolunteerRegistry")
    assert ledger.functions.yiCoin().call() == m.address("YiCoin")
    assert ledger.functions.revocationWindow().call() == DEFAULT_REVOCATION_WINDOW
    assert yicoin.functions.ledger().call() == m.address("HourLedger")
    assert yicoin.functions.alliance().call() == m.address("MerchantAlliance")
    assert m.contract(w3, "MerchantAlliance").functions.yiCoin().call() == m.address("YiCoin")


def test_manifest_is_written_and_complete(deployed):
    m = deployed.manifest
    assert Manifest.load(deployed.manifest_path) == m
    assert (m.network, m.chain_id, m.deployer) == ("test", 1337, dev_address(DEPLOYER))
    assert m.deployed_at.tzinfo is not None
    assert m.roles == {
        "registrar": dev_address(0),
        "auditor": dev_address(2),
        "merchant_manager": dev_address(0),
    }
    for name in CONTRACT_NAMES:
        record = m.contracts[name]
        assert deployed.w3.eth.get_code(record.address), name
        receipt = deployed.w3.eth.get_transaction_receipt(record.transaction_hash)
        assert receipt["blockNumber"] == record.block_number
        assert record.abi


def test_yicoin_shares_the_ledgers_creation(deployed):
    ledger, yicoin = (deployed.manifest.contracts[n] for n in ("HourLedger", "YiCoin"))
    assert (yicoin.block_number, yicoin.transaction_hash) == (
        ledger.block_number,
        ledger.transaction_hash,
    )
    receipt = deployed.w3.eth.get_transaction_receipt(ledger.transaction_hash)
    assert receipt["contractAddress"] == ledger.address


def test_constructor_arguments_are_the_tail_of_the_creation_input(deployed):
    for name in ("VolunteerRegistry", "HourLedger", "MerchantAlliance"):
        record = deployed.manifest.contracts[name]
        tx_input = deployed.w3.eth.get_transaction(record.transaction_hash)["input"]
        assert tx_input.hex().endswith(record.constructor_arguments.removeprefix("0x")), name


def test_second_deploy_returns_the_existing_one(local_chain, tmp_path):
    first = deploy(
        "again",
        local_chain.rpc_url,
        deployer=dev_address(DEPLOYER),
        roles=development_roles(),
        deployments_dir=tmp_path,
    )
    written = first.path.read_text()
    second = deploy(
        "again",
        local_chain.rpc_url,
        deployer=dev_address(DEPLOYER),
        roles=development_roles(),
        deployments_dir=tmp_path,
    )
    assert (first.reused, second.reused) == (False, True)
    assert second.manifest == first.manifest
    assert second.path.read_text() == written


def test_redeploy_makes_a_new_set(deployed, tmp_path):
    path = tmp_path / "test.json"
    path.write_text(deployed.manifest_path.read_text())
    fresh = deploy(
        "test",
        w3=deployed.w3,
        deployer=dev_address(DEPLOYER),
        roles=development_roles(),
        deployments_dir=tmp_path,
        redeploy=True,
    )
    assert not fresh.reused
    for name in CONTRACT_NAMES:
        assert fresh.manifest.address(name) != deployed.manifest.address(name)
        assert deployed.w3.eth.get_code(fresh.manifest.address(name))
    assert Manifest.load(path) == fresh.manifest


def _for_another_chain(data: dict) -> None:
    data["chain_id"] = 99


def _for_a_wiped_chain(data: dict) -> None:
    data["contracts"]["HourLedger"]["address"] = "0x" + "12" * 20  # no code there


@pytest.mark.parametrize("make_stale", [_for_another_chain, _for_a_wiped_chain])
def test_a_manifest_not_matching_the_chain_is_replaced(deployed, tmp_path, make_stale):
    data = json.loads(deployed.manifest_path.read_text())
    make_stale(data)
    (tmp_path / "test.json").write_text(json.dumps(data))
    outcome = deploy(
        "test",
        w3=deployed.w3,
        deployer=dev_address(DEPLOYER),
        roles=development_roles(),
        deployments_dir=tmp_path,
    )
    assert not outcome.reused
    assert outcome.manifest.chain_id == 1337


def test_standard_inputs_are_written_next_to_the_manifest(deployed):
    sources = deployed.manifest_path.with_suffix(".sources")
    assert sorted(p.name for p in sources.iterdir()) == sorted(f"{name}.standard-input.json" for name in CONTRACT_NAMES)


def test_cli_deploys_once_then_reuses(local_chain: LocalChain, tmp_path, monkeypatch, capsys):
    for name in ("DEPLOYER_KEY", *(f"{role}_ADDRESS" for role in DEV_ROLE_ACCOUNTS)):
        monkeypatch.delenv(f"YILIAN_{name.upper()}", raising=False)
    args = ["--rpc-url", local_chain.rpc_url, "--network", "cli"]
    args += ["--deployments-dir", str(tmp_path)]
    # Once as `python -m` (the entry point `make run` uses), then in process: faster.
    first = subprocess.run(
        [sys.executable, "-m", "yilian.chain.deployment", *args],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    assert "deployed a new set" in first
    main(args)
    assert "reusing the existing deployment" in capsys.readouterr().out
    main([*args, "--redeploy"])
    assert "deployed a new set" in capsys.readouterr().out
    assert Manifest.load(tmp_path / "cli.json").roles["auditor"] == dev_address(2)


def test_default_roles_follow_the_environment():
    accounts = [dev_address(i) for i in range(3)]
    auditor_address = dev_address(7)
    roles = default_roles(accounts, {"YILIAN_AUDITOR_ADDRESS": auditor_address})
    assert (roles.registrar, roles.auditor, roles.merchant_manager) == (accounts[0], auditor_address, accounts[0])


def test_default_roles_need_addresses_where_the_node_has_no_accounts():
    with pytest.raises(ValueError, match="YILIAN_REGISTRAR_ADDRESS"):
        default_roles([], {})
