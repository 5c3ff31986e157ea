"""`yilian merchant wallet create|import|address`: a key in an encrypted keystore file, no chain."""

import stat
from pathlib import Path

import pytest
from eth_account import Account
from typer.testing import CliRunner, Result

from yilian.cli.main import app as yilian
from yilian.merchant.errors import MerchantError
from yilian.merchant.wallet import LIGHT_SCRYPT_N, PASSWORD_ENV, create_wallet, unlock

PASSWORD = "柜台密码-counter"


def _wallet(keystore: Path, *args: str, input: str | None = None, password: str | None = PASSWORD) -> Result:
    env = {PASSWORD_ENV: password}  # None: no password in the environment, so a prompt asks
    return CliRunner().invoke(yilian, ["merchant", "--keystore", str(keystore), "wallet", *args], input=input, env=env)


def test_created_wallet_is_a_private_keystore_whose_address_reads_without_password(tmp_path: Path) -> None:
    keystore = tmp_path / "nested" / "merchant-keystore.json"
    created = _wallet(keystore, "create")
    assert created.exit_code == 0, created.output
    address = _wallet(keystore, "address", password=None).stdout.strip()
    assert f"created wallet {address}" in created.stdout
    assert stat.S_IMODE(keystore.stat().st_mode) == 0o600
    assert unlock(keystore, PASSWORD).address == address


def test_existing_wallet_is_never_overwritten(tmp_path: Path) -> None:
    keystore = tmp_path / "merchant-keystore.json"
    assert _wallet(keystore, "create").exit_code == 0
    before = keystore.read_bytes()
    again = _wallet(keystore, "create")
    assert again.exit_code == 1 and "never overwritten" in again.stderr
    assert keystore.read_bytes() == before


def test_imported_key_is_asked_for_hidden_with_a_confirmed_password(tmp_path: Path) -> None:
    account, keystore = Account.create(), tmp_path / "merchant-keystore.json"
    key = "0x" + bytes(account.key).hex()
    imported = _wallet(keystore, "import", input=f"{key}\n{PASSWORD}\n{PASSWORD}\n", password=None)
    assert imported.exit_code == 0, imported.output
    assert key not in imported.output  # typed, never echoed
    assert unlock(keystore, PASSWORD).address == account.address


def test_import_refuses_what_is_not_a_private_key(tmp_path: Path) -> None:
    refused = _wallet(tmp_path / "k.json", "import", input="0x1234\n", password=None)  # no password asked
    assert refused.exit_code == 1 and "not a private key" in refused.stderr
    assert not (tmp_path / "k.json").exists()


def test_wrong_password_and_missing_wallet_are_explained(tmp_path: Path) -> None:
    keystore = tmp_path / "merchant-keystore.json"
    create_wallet(keystore, PASSWORD, scrypt_n=LIGHT_SCRYPT_N)
    with pytest.raises(MerchantError, match="wrong password"):
        unlock(keystore, "not the password")
    missing = _wallet(tmp_path / "nowhere.json", "address")
    assert missing.exit_code == 1 and "yilian merchant wallet create" in missing.stderr
