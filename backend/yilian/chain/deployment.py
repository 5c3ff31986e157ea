"""Deploys the four contracts with web3 alone, grants the roles and writes the manifest.

`deploy_all` always deploys a new set; `deploy` is what scripts call: it reuses the set the
network's manifest names while that set is still on the chain, so `make run` and
`brownie run scripts/deploy.py` can be repeated safely.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eth_abi import encode
from eth_utils import to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from yilian.chain.artifacts import PROJECT_ROOT, Artifact, load_artifact
from yilian.chain.connection import connect
from yilian.chain.manifest import CONTRACT_NAMES, DeployedContract, Manifest
from yilian.chain.poa import dev_deployer_and_accounts
from yilian.chain.standard_input import standard_input
from yilian.chain.transactions import Sender, as_hex

log = logging.getLogger(__name__)

DEPLOYMENTS_DIR = PROJECT_ROOT / "deployments"
DEFAULT_REVOCATION_WINDOW = 30 * 86_400  # seconds after an activity ends: a month to correct


@dataclass(frozen=True)
class Roles:
    """Who gets which operational role; the deployer keeps every contract's admin role."""

    registrar: str  # REGISTRAR_ROLE on VolunteerRegistry: registers organisations, volunteers
    attester: str  # ATTESTER_ROLE on HourLedger: the relay's signing key
    auditor: str  # AUDITOR_ROLE on HourLedger: revokes and corrects hours
    merchant_manager: str  # MERCHANT_MANAGER_ROLE on MerchantAlliance: onboards merchants

    def __post_init__(self) -> None:
        for name, address in asdict(self).items():
            object.__setattr__(self, name, to_checksum_address(address))


@dataclass(frozen=True)
class Deployment:
    manifest: Manifest
    path: Path
    reused: bool  # True: an earlier deployment, still on chain, was returned


def deploy_all(
    w3: Web3,
    deployer: str | bytes,
    *,
    roles: Roles,
    revocation_window: int,
    network: str = "development",
) -> Manifest:
    """Deploys a new set. `deployer` is a private key or an address the node has unlocked."""
    sender = Sender(w3, deployer)
    admin = sender.address
    artifacts = {name: load_artifact(name) for name in CONTRACT_NAMES}
    records: dict[str, DeployedContract] = {}
    receipts: dict[str, TxReceipt] = {}

    def create(name: str, *args: Any) -> Contract:
        artifact = artifacts[name]
        factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        receipts[name] = receipt = sender.transact(factory.constructor(*args))
        records[name] = _record(artifact, receipt, receipt["contractAddress"], args)
        return w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)

    registry = create("VolunteerRegistry", admin)
    ledger = create("HourLedger", admin, registry.address, revocation_window)
    # The ledger's constructor creates YiCoin, so the token has no transaction of its own.
    yicoin_address = ledger.functions.yiCoin().call()
    records["YiCoin"] = _record(artifacts["YiCoin"], receipts["HourLedger"], yicoin_address, (admin,))
    yicoin = w3.eth.contract(address=yicoin_address, abi=artifacts["YiCoin"].abi)
    alliance = create("MerchantAlliance", admin, yicoin_address)
    sender.transact(yicoin.functions.setAlliance(alliance.address))

    for contract, role, account in (
        (registry, "REGISTRAR_ROLE", roles.registrar),
        (ledger, "ATTESTER_ROLE", roles.attester),
        (ledger, "AUDITOR_ROLE", roles.auditor),
        (alliance, "MERCHANT_MANAGER_ROLE", roles.merchant_manager),
    ):
        role_id = contract.functions[role]().call()
        sender.transact(contract.functions.grantRole(role_id, account))

    return Manifest(
        network=network,
        chain_id=w3.eth.chain_id,
        deployed_at=datetime.now(UTC),
        deployer=admin,
        compiler=artifacts["HourLedger"].compiler_version,
        roles=asdict(roles),
        contracts={name: records[name] for name in CONTRACT_NAMES},
    )


def _record(artifact: Artifact, receipt: TxReceipt, address: str, args: Sequence[Any]) -> DeployedContract:
    return DeployedContract(
        address=address,
        block_number=receipt["blockNumber"],
        transaction_hash=as_hex(receipt["transactionHash"]),
        constructor_arguments=as_hex(encode(artifact.constructor_types(), list(args))),
        abi=artifact.abi,
    )


def manifest_path(network: str, deployments_dir: Path = DEPLOYMENTS_DIR) -> Path:
    return deployments_dir / f"{network}.json"


def sources_dir(path: Path) -> Path:
    """`deployments/<network>.sources/`, next to the manifest `deployments/<network>.json`."""
    return path.with_suffix(".sources")


def write_standard_inputs(path: Path) -> list[Path]:
    """Writes `<Contract>.standard-input.json` for every contract, next to the manifest."""
    directory = sources_dir(path)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in CONTRACT_NAMES:
        target = directory / f"{name}.standard-input.json"
        target.write_text(json.dumps(standard_input(load_artifact(name)), indent=2) + "\n")
        written.append(target)
    return written


def existing_deployment(w3: Web3, path: Path) -> Manifest | None:
    """The manifest at `path` if its contracts are still on this chain, else None (and why)."""
    if not path.exists():
        return None
    manifest = Manifest.load(path)
    chain_id = w3.eth.chain_id
    if manifest.chain_id != chain_id:
        log.info("%s is for chain %s, not %s: deploying anew", path, manifest.chain_id, chain_id)
        return None
    # A fresh (non-persistent) local chain reuses the chain id: code is the real evidence.
    if not w3.eth.get_code(manifest.address("HourLedger")):
        log.info("%s: no HourLedger code on this chain any more: deploying anew", path)
        return None
    return manifest


def deploy(
    network: str,
    rpc_url: str | None = None,
    *,
    w3: Web3 | None = None,
    deployer: str | bytes,
    roles: Roles,
    revocation_window: int = DEFAULT_REVOCATION_WINDOW,
    redeploy: bool = False,
    poa: bool = False,
    deployments_dir: Path = DEPLOYMENTS_DIR,
) -> Deployment:
    """Deploys to `network` (an RPC URL or a ready Web3) unless its deployment is still there."""
    if (rpc_url is None) == (w3 is None):
        raise ValueError("give exactly one of rpc_url and w3")
    w3 = w3 or connect(rpc_url, poa=poa)  # type: ignore[arg-type]
    path = manifest_path(network, deployments_dir)
    if not redeploy and (existing := existing_deployment(w3, path)) is not None:
        log.info("%s: already deployed at %s (use --redeploy for a new set)", network, path)
        return Deployment(existing, path, reused=True)
    manifest = deploy_all(w3, deployer, roles=roles, revocation_window=revocation_window, network=network)
    manifest.save(path)
    write_standard_inputs(path)
    log.info("%s: deployed, manifest written to %s", network, path)
    return Deployment(manifest, path, reused=False)


def default_roles(accounts: Sequence[str], environ: Mapping[str, str]) -> Roles:
    """Development defaults: accounts[0] registrar and merchant manager, accounts[1] attester
    (unless YILIAN_ATTESTER_ADDRESS names the relay's key), accounts[2] auditor. Each role can
    be set with YILIAN_<ROLE>_ADDRESS, as it must be on chains whose node holds no accounts."""
    fallback = {"registrar": 0, "attester": 1, "auditor": 2, "merchant_manager": 0}
    chosen = {}
    for role, index in fallback.items():
        address = environ.get(f"YILIAN_{role.upper()}_ADDRESS") or None
        if address is None and index >= len(accounts):
            raise ValueError(f"no account for {role}: set YILIAN_{role.upper()}_ADDRESS")
        chosen[role] = address or accounts[index]
    return Roles(**chosen)


def describe(outcome: Deployment) -> str:
    """A few lines for people: what happened, where the manifest is, the addresses."""
    manifest = outcome.manifest
    verb = "reusing the existing deployment" if outcome.reused else "deployed a new set"
    lines = [f"{manifest.network} (chain {manifest.chain_id}): {verb}"]
    lines.append(f"  manifest: {outcome.path}")
    for name, deployed in manifest.contracts.items():
        lines.append(f"  {name:<18} {deployed.address}  block {deployed.block_number}")
    lines += [f"  {role:<18} {address}" for role, address in manifest.roles.items()]
    lines.append(f"  solc inputs: {sources_dir(outcome.path)}/")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m yilian.chain.deployment",
        description="Deploy the Yilian contracts once per chain; writes <network>.json. "
        "Deployer: $YILIAN_DEPLOYER_KEY, else the node's first unlocked account. "
        "Roles: $YILIAN_<ROLE>_ADDRESS, else the node's accounts (see default_roles).",
    )
    parser.add_argument("--rpc-url", required=True)
    parser.add_argument("--network", required=True, help="manifest name: <network>.json")
    parser.add_argument("--poa", action="store_true", help="PoA chain (Besu QBFT, Clique)")
    parser.add_argument("--redeploy", action="store_true", help="deploy a new set regardless")
    parser.add_argument("--revocation-window", type=int, default=DEFAULT_REVOCATION_WINDOW)
    parser.add_argument("--deployments-dir", type=Path, default=DEPLOYMENTS_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    w3 = connect(args.rpc_url, poa=args.poa)
    deployer, accounts = dev_deployer_and_accounts(args.network) or (None, w3.eth.accounts)
    deployer = os.environ.get("YILIAN_DEPLOYER_KEY") or deployer or (accounts[0] if accounts else None)
    if deployer is None:
        sys.exit("set YILIAN_DEPLOYER_KEY: the node holds no unlocked account")
    outcome = deploy(
        args.network,
        w3=w3,
        deployer=deployer,
        roles=default_roles(accounts, os.environ),
        revocation_window=args.revocation_window,
        redeploy=args.redeploy,
        deployments_dir=args.deployments_dir,
    )
    print(describe(outcome))


if __name__ == "__main__":
    main()
