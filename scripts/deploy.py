"""Deploys Yilian's contracts: `brownie run scripts/deploy.py --network yilian-local`.

A thin Brownie front for `yilian.chain.deployment.deploy` (web3 only), so Brownie users and
`make run` (which calls `python -m yilian.chain.deployment`) share one manifest per network,
`deployments/<network>.json`, and one idempotence rule: a deployment still on the chain is
reused. Set YILIAN_REDEPLOY=1 to deploy a new set anyway.

Deployer: accounts[0] on development networks, else the key in $YILIAN_DEPLOYER_KEY; on the
project's own PoA chain (`yilian-poa`) the same public development keys as on ganache.
Roles: see `default_roles` (accounts[0..2], $YILIAN_ATTESTER_ADDRESS for the relay's key).
"""

import os

from brownie import accounts, network
from brownie._config import CONFIG
from web3 import Web3

from yilian.chain.connection import connect
from yilian.chain.deployment import default_roles, deploy, describe
from yilian.chain.poa import dev_deployer_and_accounts


def _deployer(fallback: str | None) -> str:
    if CONFIG.network_type == "development":
        return accounts[0].address  # unlocked on the local node
    key = os.environ.get("YILIAN_DEPLOYER_KEY") or fallback
    if not key:
        raise SystemExit("set YILIAN_DEPLOYER_KEY to deploy to a live network")
    return key


def _web3() -> Web3:
    """Brownie's own connection on a development chain. A live network is a consortium PoA/BFT
    chain: the project's connection, without Brownie's gas-price strategy (it asks eth_gasPrice
    for every transaction, which EthereumJS fails once blocks carry zero-price transactions)."""
    if CONFIG.network_type == "development":
        return network.web3
    return connect(CONFIG.active_network["host"], poa=True, timeout=60)


def main() -> None:
    name = network.show_active()
    dev_key, dev_accounts = dev_deployer_and_accounts(name) or (None, [account.address for account in accounts])
    outcome = deploy(
        name,
        w3=_web3(),
        deployer=_deployer(dev_key),
        roles=default_roles(dev_accounts, os.environ),
        redeploy=os.environ.get("YILIAN_REDEPLOY") == "1",
    )
    print(describe(outcome))
