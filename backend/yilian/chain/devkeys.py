"""The development accounts: keys of the WELL-KNOWN PUBLIC DEVELOPMENT MNEMONIC (Hardhat's and
Foundry's default), every one of them published. Local chains only; never real funds, never a
shared or production chain.

Who plays which role in development: the local chain funds these accounts, deployments grant
them the roles below, and the relay signs and submits with them when no key is configured.
"""

from functools import lru_cache

from eth_account import Account

DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_ACCOUNT_COUNT = 20
DEPLOYER = 0  # admin of every contract
# The account of each operational role (chain.deployment.Roles) in development deployments.
# Attesters are no deployment role: each organisation registers its own in the registry.
DEV_ROLE_ACCOUNTS = {"registrar": 0, "auditor": 2, "merchant_manager": 0}
SUBMITTER = 0  # the relay's submitter: the deployer, registrar and merchant manager


@lru_cache(maxsize=DEV_ACCOUNT_COUNT)
def dev_private_key(index: int) -> str:
    """The private key of development account `index` (public knowledge, see DEV_MNEMONIC)."""
    Account.enable_unaudited_hdwallet_features()
    account = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return "0x" + bytes(account.key).hex()


def dev_address(index: int) -> str:
    return Account.from_key(dev_private_key(index)).address
