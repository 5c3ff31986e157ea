"""The alliance administrator's side of the relay API: register and suspend merchants, publish
offers for them. The relay's submitter sends it all (it holds MERCHANT_MANAGER_ROLE)."""

import pytest
from eth_account import Account

from tests.backend.relay.scenario import Scenario
from yilian.chain.eip712 import keccak256
from yilian.chain.localchain import dev_private_key
from yilian.chain.protocol import MerchantStatus
from yilian.chain.transactions import Sender
from yilian.merchant.offers import merchant_status, read_offer

from .conftest import WETLAND_TICKETS, admin_offer, error_of, register


def test_admin_registers_a_public_benefit_provider(relay) -> None:
    address = Account.create().address
    body = {"address": address.lower(), "kind": "public_benefit", "name": "西溪湿地公园"}
    response = relay.client.post("/v1/merchants", json=body, headers=relay.headers("admin"))
    assert response.status_code == 201, response.text
    registered = response.json()
    assert (registered["address"], registered["kind"], registered["status"]) == (address, "public_benefit", "active")
    assert registered["profile_hash"] == "0x" + keccak256("西溪湿地公园".encode()).hex()
    alliance = relay.chain.alliance
    assert alliance.functions.merchant(address).call() == (2, 1, keccak256("西溪湿地公园".encode()))
    [event] = alliance.events.MerchantRegistered().get_logs(from_block=registered["block_number"])
    assert event.args.merchant == address


def test_only_an_admin_key_registers_merchants(relay, face_provider) -> None:
    address = Account.create().address
    body = {"address": address, "kind": "business", "name": "西溪咖啡"}
    organisation = Scenario(relay, face_provider).organisation()
    for role in ("app", "organiser", "auditor"):
        headers = relay.headers(role, organisation=organisation)
        response = relay.client.post("/v1/merchants", json=body, headers=headers)
        assert error_of(response) == (403, "wrong_role")
    assert merchant_status(relay.chain.alliance, address) is MerchantStatus.NONE


def test_registering_a_merchant_twice_is_a_conflict(relay) -> None:
    address = Account.create().address
    register(relay, address)
    body = {"address": address, "kind": "public_benefit", "name": "another name"}
    response = relay.client.post("/v1/merchants", json=body, headers=relay.headers("admin"))
    assert error_of(response) == (409, "merchant_exists")


def _bad_checksum(address: str) -> str:
    """`address` with the case of its first letter flipped: an EIP-55 typo."""
    i = next(i for i, c in enumerate(address[2:], 2) if c.isalpha())
    return address[:i] + address[i].swapcase() + address[i + 1 :]


@pytest.mark.parametrize("kind", ["too_short", "zero_address", "bad_checksum"])
def test_merchant_address_must_be_a_usable_address(relay, kind: str) -> None:
    """The zero address and a mistyped checksum were accepted here once (and the zero address
    then cost a reverted transaction): the same strict check as a volunteer's address."""
    typo = Account.create().address
    address = {"too_short": "0x1234", "zero_address": "0x" + "0" * 40, "bad_checksum": _bad_checksum(typo)}[kind]
    w3, submitter = relay.chain.w3, relay.chain.submitter.address
    nonce = w3.eth.get_transaction_count(submitter)
    body = {"address": address, "kind": "business", "name": "西溪咖啡"}
    response = relay.client.post("/v1/merchants", json=body, headers=relay.headers("admin"))
    assert error_of(response) == (422, "invalid_address")
    assert w3.eth.get_transaction_count(submitter) == nonce, "a transaction was sent"
    assert merchant_status(relay.chain.alliance, typo) is MerchantStatus.NONE


def test_admin_suspends_a_merchant_once(relay) -> None:
    address = Account.create().address
    register(relay, address)
    path, body, admin = f"/v1/merchants/{address}/suspend", {"reason": "收取现金"}, relay.headers("admin")
    suspended = relay.client.post(path, json=body, headers=admin)
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    assert merchant_status(relay.chain.alliance, address) is MerchantStatus.SUSPENDED
    assert error_of(relay.client.post(path, json=body, headers=admin)) == (409, "merchant_not_active")
    unknown = f"/v1/merchants/{Account.create().address}/suspend"
    assert error_of(relay.client.post(unknown, json=body, headers=admin)) == (404, "merchant_not_found")


def test_admin_publishes_wetland_park_tickets_for_a_provider(relay) -> None:
    park = Account.create().address
    register(relay, park, "public_benefit")
    offer = read_offer(relay.chain.alliance, admin_offer(relay, park))
    assert offer is not None and offer.merchant == park
    assert (offer.terms.price, offer.terms.stock, offer.terms.metadata_hash) == (250, 40, bytes.fromhex("5e" * 32))


def test_offers_need_an_active_merchant_and_sound_terms(relay) -> None:
    admin, stranger = relay.headers("admin"), Account.create().address
    response = relay.client.post(f"/v1/merchants/{stranger}/offers", json=WETLAND_TICKETS, headers=admin)
    assert error_of(response) == (404, "merchant_not_found")
    register(relay, stranger)
    backwards = {**WETLAND_TICKETS, "valid_until": WETLAND_TICKETS["valid_from"]}
    response = relay.client.post(f"/v1/merchants/{stranger}/offers", json=backwards, headers=admin)
    assert error_of(response) == (422, "invalid_offer_terms")
    relay.client.post(f"/v1/merchants/{stranger}/suspend", json={"reason": "关店"}, headers=admin)
    response = relay.client.post(f"/v1/merchants/{stranger}/offers", json=WETLAND_TICKETS, headers=admin)
    assert error_of(response) == (409, "merchant_not_active")


def test_a_relay_without_the_merchant_manager_role_says_so_before_spending_gas(relay) -> None:
    alliance, submitter = relay.chain.alliance, relay.chain.submitter.address
    admin = Sender(relay.chain.w3, dev_private_key(0))  # the deployer holds the alliance's admin role
    role = alliance.functions.MERCHANT_MANAGER_ROLE().call()
    admin.transact(alliance.functions.revokeRole(role, submitter))
    try:
        body = {"address": Account.create().address, "kind": "business", "name": "西溪咖啡"}
        response = relay.client.post("/v1/merchants", json=body, headers=relay.headers("admin"))
        assert error_of(response) == (503, "relay_not_merchant_manager")
        assert "MERCHANT_MANAGER_ROLE" in response.json()["message"]
    finally:
        admin.transact(alliance.functions.grantRole(role, submitter))
