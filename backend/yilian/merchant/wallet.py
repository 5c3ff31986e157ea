"""The merchant's wallet: one private key in an encrypted eth-account keystore file (Web3 Secret
Storage, the format geth, MetaMask exports and most wallets read).

The key is decrypted only to sign, so reading the address or checking a voucher needs no password.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from yilian.merchant.errors import MerchantError

DEFAULT_KEYSTORE = Path("~/.yilian/merchant-keystore.json")
PASSWORD_ENV = "YILIAN_MERCHANT_PASSWORD"
# eth-account's (and geth's) default scrypt work factor: the file may be copied off the machine,
# so every guessed password must cost an attacker real time (about a second here).
STRONG_SCRYPT_N = 2**18
LIGHT_SCRYPT_N = 2**14  # geth's --lightkdf: throwaway wallets (tests, demos), not real keys


def require_free(path: Path) -> Path:
    """`path` expanded, if nothing is there: an existing file may be the only copy of a funded key."""
    path = path.expanduser()
    if path.exists():
        raise MerchantError(f"{path} already exists and a wallet file is never overwritten; move it away first")
    return path


def key_account(private_key: str) -> LocalAccount:
    try:
        return Account.from_key(private_key.strip())
    except (ValueError, TypeError):
        raise MerchantError("that is not a private key: expected 64 hexadecimal digits") from None


def create_wallet(path: Path, password: str, private_key: str | None = None, *, scrypt_n: int = STRONG_SCRYPT_N) -> str:
    """Writes a new keystore (a fresh key, or `private_key` imported) and returns its address."""
    path = require_free(path)
    if not password:
        raise MerchantError("the wallet password must not be empty")
    account = key_account(private_key) if private_key else Account.create()
    keystore = Account.encrypt(account.key, password, kdf="scrypt", iterations=scrypt_n)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # O_EXCL closes the race with a concurrent create; 0600 keeps other local users out.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(keystore, out)
    return account.address


def wallet_address(path: Path) -> str:
    """The keystore's address, read without the password."""
    return to_checksum_address("0x" + _keystore(path)["address"].removeprefix("0x"))


def unlock(path: Path, password: str) -> LocalAccount:
    try:
        key = Account.decrypt(_keystore(path), password)
    except ValueError:
        raise MerchantError(f"wrong password for the wallet {path.expanduser()}") from None
    return Account.from_key(key)


def _keystore(path: Path) -> dict:
    path = path.expanduser()
    try:
        keystore = json.loads(path.read_text())
    except FileNotFoundError:
        raise MerchantError(
            f"no wallet at {path}: create one with `yilian merchant wallet create` (or `import`)"
        ) from None
    except (OSError, ValueError) as error:
        raise MerchantError(f"cannot read the wallet {path}: {error}") from None
    if not isinstance(keystore, dict) or "address" not in keystore or "crypto" not in keystore:
        raise MerchantError(f"{path} is not an Ethereum keystore file")
    return keystore
