"""Merchant tests run on the relay's fixtures (a real ganache with the contracts deployed, the
relay in process with a real database) and add what a merchant brings: a funded wallet file,
driven through `yilian merchant …` exactly as a merchant at the counter would."""

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result
from web3 import Web3

from tests.backend.relay import conftest as relay_conftest
from tests.backend.relay.conftest import Clock, Relay, relay_settings
from tests.backend.relay.scenario import Scenario
from yilian.chain.localchain import dev_private_key
from yilian.chain.transactions import Sender, fee_fields
from yilian.chain.vouchers import confirmation_nonce
from yilian.cli.main import app as yilian
from yilian.merchant.market import Market
from yilian.merchant.wallet import LIGHT_SCRYPT_N, PASSWORD_ENV, create_wallet
from yilian.relay.api.deps import get_clock
from yilian.relay.app import create_app
from yilian.relay.auth import ROLES, create_api_key
from yilian.relay.db.migrate import upgrade
from yilian.relay.db.session import make_engine, make_sessionmaker, transaction
from yilian.relay.worker import wait_until_idle

# The relay's fixtures, under their names: pytest finds fixtures among a conftest's attributes.
relay_chain = relay_conftest.relay_chain
database_url = relay_conftest.database_url
relay = relay_conftest.relay
face_provider = relay_conftest.face_provider

PASSWORD = "counter-password"
FUNDER = 3  # the dev account that pays fresh merchant wallets their gas money
EARNED = 1500  # 90 minutes at 10 益币 per hour = 15.00 益币
TX_HASH = re.compile(r"transaction\s+(0x[0-9a-f]{64})")
# 2.50 益币 a ticket, valid 2023–2096: open whatever the test machine's clock says.
WETLAND_TICKETS = {"price": 250, "stock": 40, "valid_from": 1_700_000_000, "valid_until": 4_000_000_000,
                   "metadata_hash": "0x" + "5e" * 32}  # fmt: skip


@dataclass
class Merchant:
    """A merchant's wallet file and the chain it talks to."""

    address: str
    keystore: Path
    relay: Relay

    @cached_property
    def market(self) -> Market:
        return Market.open(self.relay.settings.rpc_url, self.relay.settings.manifest_path)

    def run(self, *args: str, input: str | None = None) -> Result:
        options = [
            "--rpc-url", self.relay.settings.rpc_url,
            "--manifest", str(self.relay.settings.manifest_path),
            "--keystore", str(self.keystore),
        ]  # fmt: skip
        env = {PASSWORD_ENV: PASSWORD}
        return CliRunner().invoke(yilian, ["merchant", *options, *args], input=input, env=env)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.exit_code == 0, result.output
        return result.stdout

    def refused(self, *args: str) -> str:
        """Runs a command that must fail (exit 1) without sending any transaction."""
        w3 = self.market.w3
        nonce = w3.eth.get_transaction_count(self.address)
        result = self.run(*args)
        assert result.exit_code == 1, result.output
        assert w3.eth.get_transaction_count(self.address) == nonce, "a transaction was sent"
        return result.stderr

    def sent(self, *args: str) -> Any:
        """Runs a command that sends one transaction; returns its receipt."""
        tx_hash = TX_HASH.search(self.ok(*args))
        assert tx_hash, "no transaction in the receipt printed"
        return self.market.w3.eth.get_transaction_receipt(tx_hash.group(1))

    def publish(self, tmp_path: Path, *, price: str, stock: int) -> int:
        """`offers create` for an offer valid from now for an hour; returns the offer's number."""
        metadata = tmp_path / "offer.json"
        metadata.write_text('{"title": "一杯咖啡", "shop": "西溪咖啡"}')
        until = str(self.market.now() + 3600)
        out = self.ok("offers", "create", "--price", price, "--stock", str(stock),
                      "--valid-until", until, "--metadata-file", str(metadata))  # fmt: skip
        published = re.search(r"published offer #(\d+)", out)
        assert published, out
        return int(published.group(1))


def fund(w3: Web3, address: str) -> None:
    """Gas money for a fresh wallet: merchants pay for their own transactions."""
    sender = Sender(w3, dev_private_key(FUNDER))
    value = Web3.to_wei(1, "ether")
    tx = {"to": address, "value": value, "gas": 21_000, "chainId": w3.eth.chain_id, **fee_fields(w3)}
    sender.wait(sender.send(tx))  # type: ignore[arg-type]


def register(relay: Relay, address: str, kind: str = "business") -> dict:
    body = {"address": address, "kind": kind, "name": "西溪咖啡"}
    response = relay.client.post("/v1/merchants", json=body, headers=relay.headers("admin"))
    assert response.status_code == 201, response.text
    return response.json()


def error_of(response: Any) -> tuple[int, str]:
    """The relay's error shape: HTTP status and the stable `code`."""
    return response.status_code, response.json()["code"]


def admin_offer(relay: Relay, merchant: str) -> int:
    """The administrator publishes wetland-park tickets for `merchant`; returns the offer id."""
    path = f"/v1/merchants/{merchant}/offers"
    response = relay.client.post(path, json=WETLAND_TICKETS, headers=relay.headers("admin"))
    assert response.status_code == 201, response.text
    return response.json()["offer_id"]


def new_merchant(relay: Relay, folder: Path, *, kind: str | None = "business") -> Merchant:
    """A funded merchant wallet (keystore written without the CLI), registered as `kind`
    unless `kind` is None."""
    account = Account.create()
    keystore = folder / f"{account.address}.json"
    create_wallet(keystore, PASSWORD, "0x" + bytes(account.key).hex(), scrypt_n=LIGHT_SCRYPT_N)
    fund(relay.chain.w3, account.address)
    if kind is not None:
        register(relay, account.address, kind)
    return Merchant(account.address, keystore, relay)


def confirmed_voucher(relay: Relay, face: Any, volunteer: dict, **terms: int) -> dict[str, Any]:
    """A voucher request the custodial volunteer confirmed: the identity provider matched their
    face with the nonce that commits to these terms (`valid_for_s` 600 unless given)."""
    body: dict[str, Any] = {"valid_for_s": 600, "voucher_nonce": str(secrets.randbits(256)), **terms}
    nonce = confirmation_nonce(
        chain_id=relay.chain.manifest.chain_id, alliance=relay.chain.alliance.address,
        volunteer=volunteer["address"], offer_id=body["offer_id"], quantity=body["quantity"],
        max_amount=body.get("max_amount") or 0, valid_for_s=body["valid_for_s"],
        voucher_nonce=int(body["voucher_nonce"]),
    )  # fmt: skip
    match = face.assert_match(volunteer["address"], int(relay.clock()), 9500, nonce=nonce)
    return body | {"confirmation": match.model_dump()}


def earn(relay: Relay, scenario: Scenario, volunteer: dict) -> None:
    """The volunteer serves 90 minutes at a 10-points-per-hour activity: 15.00 益币, confirmed."""
    activity = scenario.activity(scenario.organisation(), points_per_hour=10)
    start = int(relay.clock())
    visit = scenario.check_in(activity, volunteer, at=start)
    relay.clock.advance(90 * 60)
    scenario.check_out(visit, volunteer, at=start + 90 * 60)
    wait_until_idle(relay.worker, timeout_s=30)
    assert relay.chain.yicoin.functions.balanceOf(volunteer["address"]).call() == EARNED


@pytest.fixture(scope="module")
def module_relay(relay_chain, tmp_path_factory) -> Iterator[Relay]:
    """A relay (SQLite) shared by one module: for set-ups that several tests then only read
    from the chain (volunteers who earned 益币, merchants with offers)."""
    chain, manifest = relay_chain
    url = f"sqlite:///{tmp_path_factory.mktemp('merchant-relay') / 'relay.db'}"
    upgrade(url)
    with transaction(make_sessionmaker(make_engine(url))) as session:
        roles = [role for role in ROLES if role != "organiser"]  # organiser keys: per organisation
        keys = {role: create_api_key(session, name=f"test {role}", role=role)[1] for role in roles}
    settings, clock = relay_settings(url, chain.rpc_url, manifest), Clock()
    app = create_app(settings)
    app.dependency_overrides[get_clock] = lambda: clock
    with TestClient(app) as client:
        yield Relay(client, settings, clock, keys)
