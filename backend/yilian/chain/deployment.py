"""Deploys the contracts with web3 alone, grants the roles and writes the manifest.

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

from eth_utils import to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from yilian.chain.artifacts import PROJECT_ROOT, load_artifact
from yilian.chain.connection import connect
from yilian.chain.devkeys import DEPLOYER, DEV_ROLE_ACCOUNTS, dev_address, dev_private_key
from yilian.chain.governance import DEFAULT_TIMELOCK_DELAY, GovernanceSpec, deploy_council, hand_over
from yilian.chain.manifest import CONTRACT_NAMES, DeployedContract, Manifest
from yilian.chain.poa import dev_deployer_and_accounts
from yilian.chain.sourcify import sourcify_dir, write_sourcify
from yilian.chain.standard_input import standard_input
from yilian.chain.transactions import Sender, created_address

log = logging.getLogger(__name__)

DEPLOYMENTS_DIR = PROJECT_ROOT / "deployments"
DEFAULT_REVOCATION_WINDOW = 30 * 86_400  # seconds after an activity ends: a month to correct
# Time bank: every category earns credits (1 minute served = 1 credit minute) until the admin
# narrows it; an account holds at most 1,500 hours, the excess going to the community pool.
DEFAULT_BANKED_CATEGORIES = 2**256 - 1
DEFAULT_TIME_CREDIT_CAP_MINUTES = 1_500 * 60
# (contract, role, Roles field): the operational roles, granted at deployment, kept by their holders.
ROLE_GRANTS = (
    ("VolunteerRegistry", "REGISTRAR_ROLE", "registrar"),
    ("HourLedger", "AUDITOR_ROLE", "auditor"),
    ("MerchantAlliance", "MERCHANT_MANAGER_ROLE", "merchant_manager"),
    ("TimeBank", "REGISTRAR_ROLE", "registrar"),
)


@dataclass(frozen=True)
class Roles:
    """Who gets which operational role. The deployer keeps every contract's admin role, unless
    the deployment hands it to the consortium's governance. Attesters are not a deployment role:
    each organisation has its own, in the registry."""

    registrar: str  # REGISTRAR_ROLE on VolunteerRegistry and TimeBank: organisations, volunteers, family links
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
    governance: GovernanceSpec | None = None,
) -> Manifest:
    """Deploys a new set. `deployer` is a private key or an address the node has unlocked.
    With `governance`, the admin roles end with the consortium's timelock, not the deployer."""
    sender = Sender(w3, deployer)
    admin = sender.address
    artifacts = {name: load_artifact(name) for name in CONTRACT_NAMES}
    records: dict[str, DeployedContract] = {}
    receipts: dict[str, TxReceipt] = {}

    def create(name: str, *args: Any) -> Contract:
        artifact = artifacts[name]
        factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        receipts[name] = receipt = sender.transact(factory.constructor(*args))
        address = created_address(receipt)
        records[name] = DeployedContract.created(artifact, receipt, address, args)
        return w3.eth.contract(address=address, abi=artifact.abi)

    registry = create("VolunteerRegistry", admin)
    ledger = create("HourLedger", admin, registry.address, revocation_window)
    # Before any volunteer registers: the ledger then reads every status from its own slot.
    sender.transact(registry.functions.setStatusMirror(ledger.address))
    # The ledger's constructor creates YiCoin, so the token has no transaction of its own.
    yicoin_address = ledger.functions.yiCoin().call()
    records["YiCoin"] = DeployedContract.created(artifacts["YiCoin"], receipts["HourLedger"], yicoin_address, (admin,))
    yicoin = w3.eth.contract(address=yicoin_address, abi=artifacts["YiCoin"].abi)
    alliance = create("MerchantAlliance", admin, yicoin_address)
    sender.transact(yicoin.functions.setAlliance(alliance.address))
    time_bank = create("TimeBank", admin, ledger.address, registry.address)
    sender.transact(ledger.functions.setTimeBank(time_bank.address))
    sender.transact(ledger.functions.setTimeCreditTerms(DEFAULT_BANKED_CATEGORIES, DEFAULT_TIME_CREDIT_CAP_MINUTES))

    contracts = {
        "VolunteerRegistry": registry, "HourLedger": ledger, "YiCoin": yicoin, "MerchantAlliance": alliance,
        "TimeBank": time_bank,
    }  # fmt: skip
    for name, role, holder in ROLE_GRANTS:
        contract = contracts[name]
        sender.transact(contract.functions.grantRole(contract.functions[role]().call(), getattr(roles, holder)))
    record = None
    if governance is not None:
        record = deploy_council(sender, governance)
        hand_over(sender, contracts.values(), record.timelock.address, keep=[role for _, role, _ in ROLE_GRANTS])

    return Manifest(
        network=network,
        chain_id=w3.eth.chain_id,
        deployed_at=datetime.now(UTC),
        deployer=admin,
        compiler=artifacts["HourLedger"].compiler_version,
        roles=asdict(roles),
        contracts={name: records[name] for name in CONTRACT_NAMES},
        governance=record,
    )


def manifest_path(network: str, deployments_dir: Path = DEPLOYMENTS_DIR) -> Path:
    return deployments_dir / f"{network}.json"


def sources_dir(path: Path) -> Path:
    """`deployments/<network>.sources/`, next to the manifest `deployments/<network>.json`."""
    return path.with_suffix(".sources")


def write_standard_inputs(path: Path, *, governance: bool = False) -> list[Path]:
    """Writes `<Contract>.standard-input.json` for every contract, next to the manifest (the
    council's input also verifies the TimelockController it created)."""
    directory = sources_dir(path)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in (*CONTRACT_NAMES, "ConsortiumCouncil") if governance else CONTRACT_NAMES:
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
    governance: GovernanceSpec | None = None,
) -> Deployment:
    """Deploys to `network` (an RPC URL or a ready Web3) unless its deployment is still there."""
    if (rpc_url is None) == (w3 is None):
        raise ValueError("give exactly one of rpc_url and w3")
    w3 = w3 or connect(rpc_url, poa=poa)  # type: ignore[arg-type]
    path = manifest_path(network, deployments_dir)
    if not redeploy and (existing := existing_deployment(w3, path)) is not None:
        if governance is not None and existing.governance is None:
            raise ValueError(f"{path}: the deployment there has no governance; use --redeploy for a governed set")
        log.info("%s: already deployed at %s (use --redeploy for a new set)", network, path)
        return Deployment(existing, path, reused=True)
    manifest = deploy_all(
        w3, deployer, roles=roles, revocation_window=revocation_window, network=network, governance=governance
    )
    manifest.save(path)
    write_standard_inputs(path, governance=governance is not None)
    write_sourcify(path, manifest)
    log.info("%s: deployed, manifest written to %s", network, path)
    return Deployment(manifest, path, reused=False)


def default_roles(accounts: Sequence[str], environ: Mapping[str, str]) -> Roles:
    """Development defaults: accounts[0] registrar and merchant manager, accounts[2] auditor.
    Each role can be set with YILIAN_<ROLE>_ADDRESS, as it must be on chains whose node holds
    no accounts."""
    chosen = {}
    for role, index in DEV_ROLE_ACCOUNTS.items():
        address = environ.get(f"YILIAN_{role.upper()}_ADDRESS") or None
        if address is None and index >= len(accounts):
            raise ValueError(f"no account for {role}: set YILIAN_{role.upper()}_ADDRESS")
        chosen[role] = address or accounts[index]
    return Roles(**chosen)


def governance_spec(departments: str | None, threshold: int | None, delay: int) -> GovernanceSpec | None:
    """From the command line or environment: none without departments; a majority by default."""
    if not departments:
        return None
    addresses = tuple(a.strip() for a in departments.split(",") if a.strip())
    return GovernanceSpec(addresses, threshold or len(addresses) // 2 + 1, delay)


def development_roles() -> Roles:
    """The roles of a development deployment: the development accounts of DEV_ROLE_ACCOUNTS."""
    return Roles(**{role: dev_address(index) for role, index in DEV_ROLE_ACCOUNTS.items()})


def deploy_development(w3: Web3, path: Path) -> Manifest:
    """A fresh set on a local chain, by the development deployer with the development roles;
    the manifest is saved at `path`. What tests and benchmarks run against."""
    manifest = deploy_all(
        w3, dev_private_key(DEPLOYER), roles=development_roles(), revocation_window=DEFAULT_REVOCATION_WINDOW
    )
    manifest.save(path)
    return manifest


def describe(outcome: Deployment) -> str:
    """A few lines for people: what happened, where the manifest is, the addresses."""
    manifest = outcome.manifest
    verb = "reusing the existing deployment" if outcome.reused else "deployed a new set"
    lines = [f"{manifest.network} (chain {manifest.chain_id}): {verb}"]
    lines.append(f"  manifest: {outcome.path}")
    for name, deployed in manifest.contracts.items():
        lines.append(f"  {name:<18} {deployed.address}  block {deployed.block_number}")
    lines += [f"  {role:<18} {address}" for role, address in manifest.roles.items()]
    if (governed := manifest.governance) is None:
        lines.append(f"  {'admin':<18} {manifest.deployer} (the deployer alone: development only)")
    else:
        lines.append(f"  {'admin':<18} TimelockController {governed.timelock.address}")
        lines.append(
            f"  {'council':<18} {governed.council.address}: {governed.threshold} of {len(governed.departments)}"
        )
        lines += [f"  {'department':<18} {department}" for department in governed.departments]
    lines.append(f"  solc inputs: {sources_dir(outcome.path)}/")
    lines.append(f"  explorer repository (Sourcify layout): {sourcify_dir(outcome.path)}/")
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
    parser.add_argument(
        "--departments",
        default=os.environ.get("YILIAN_GOVERNANCE_DEPARTMENTS"),
        help="comma-separated department addresses: hand the admin roles to their council "
        "(default $YILIAN_GOVERNANCE_DEPARTMENTS; none: the deployer stays admin)",
    )
    parser.add_argument("--threshold", type=int, help="approvals needed (default: a majority)")
    parser.add_argument("--timelock-delay", type=int, default=DEFAULT_TIMELOCK_DELAY, help="seconds")
    args = parser.parse_args(argv)
    if args.threshold is not None and not args.departments:
        parser.error("--threshold needs --departments")
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
        governance=governance_spec(args.departments, args.threshold, args.timelock_delay),
    )
    print(describe(outcome))


if __name__ == "__main__":
    main()
