"""Keys the relay holds for others (custodial volunteers, organisations' attesters): created
here, kept only as scrypt-encrypted keystores under the custody secret, never logged."""

import json

from eth_account import Account

KEYSTORE_SCRYPT_N = 2**14  # light scrypt: creation stays fast, the key stays encrypted


def new_custodial_key(custody_password: str) -> tuple[str, str]:
    """A fresh key as (encrypted JSON keystore, address)."""
    account = Account.create()
    keystore = Account.encrypt(account.key, custody_password, kdf="scrypt", iterations=KEYSTORE_SCRYPT_N)
    return json.dumps(keystore), account.address


def unlock(keystore: str, custody_password: str) -> str:
    """The private key (hex) of a custodial keystore: slow (scrypt), so callers cache it."""
    return "0x" + Account.decrypt(keystore, custody_password).hex()
