"""Deploys Yilian's contracts: `brownie run scripts/deploy.py --network yilian-local`.

A thin Brownie front for `yilian.chain.deployment.deploy` (web3 only), so Brownie users and
`make run` (which calls `python -m yilian.chain.deployment`) share one manifest per network,
`deployments/<network>.json`, and one idempotence rule: a deployment still on the chain is
reused. Set YILIAN_REDEPLOY=1 to deploy a new set anyway.

Deployer: accounts[0] on development networks, else the key in $YILIAN_DEPLOYER_KEY.
Roles: see `default_roles` (accounts[0] and [2], or $YILIAN_<ROLE>_ADDRESS). Attesters belong
to organisations: the registry's organisation managers and registrars add them.
Admin: the deployer, unless $YILIAN_GOVERNANCE_DEPARTMENTS lists the consortium's departments
(comma-separated addresses; $YILIAN_GOVERNANCE_THRESHOLD approvals, a majority by default;
$YILIAN_GOVERNANCE_DELAY seconds of timelock): then their council holds every admin role.
"""

import os

from brownie import accounts, network
from brownie._config import CONFIG

from yilian.chain.deployment import default_roles, deploy, describe, governance_spec
from yilian.chain.governance import DEFAULT_TIMELOCK_DELAY


def _deployer() -> str:
    if CONFIG.network_type == "development":
        return accounts[0].address  # unlocked on the local node
    key = os.environ.get("YILIAN_DEPLOYER_KEY")
    if not key:
        raise SystemExit("set YILIAN_DEPLOYER_KEY to deploy to a live network")
    return key


def main() -> None:
    outcome = deploy(
        network.show_active(),
        w3=network.web3,
        deployer=_deployer(),
        roles=default_roles([account.address for account in accounts], os.environ),
        redeploy=os.environ.get("YILIAN_REDEPLOY") == "1",
        governance=governance_spec(
            os.environ.get("YILIAN_GOVERNANCE_DEPARTMENTS"),
            int(os.environ.get("YILIAN_GOVERNANCE_THRESHOLD") or 0) or None,
            int(os.environ.get("YILIAN_GOVERNANCE_DELAY") or DEFAULT_TIMELOCK_DELAY),
        ),
    )
    print(describe(outcome))
