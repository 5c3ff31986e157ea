"""`POST /v1/volunteers/{app_user_id}/vouchers`: the relay signs with the key it keeps for a
custodial volunteer; a volunteer with their own wallet signs there, not here."""

from eth_account import Account

from tests.backend.relay.scenario import Scenario
from yilian.chain.eip712 import Signature, alliance_domain, recover_signer
from yilian.merchant.vouchers import parse_payload

from .conftest import admin_offer, error_of, register


def _tickets(relay) -> int:  # type: ignore[no-untyped-def]
    park = Account.create().address
    register(relay, park, "public_benefit")
    return admin_offer(relay, park)


def _issue(relay, app_user_id: str, **body: int):  # type: ignore[no-untyped-def]
    path = f"/v1/volunteers/{app_user_id}/vouchers"
    return relay.client.post(path, json=body, headers=relay.headers("app"))


def test_relay_signs_a_voucher_with_the_custodial_volunteers_key(relay, face_provider) -> None:
    volunteer = Scenario(relay, face_provider).volunteer()
    offer_id = _tickets(relay)
    response = _issue(relay, volunteer["app_user_id"], offer_id=offer_id, quantity=3, valid_for_s=900)
    assert response.status_code == 201, response.text
    issued = response.json()
    signed = parse_payload(issued["payload"])
    voucher, chain = signed.voucher, relay.chain
    assert (signed.chain_id, signed.alliance) == (chain.manifest.chain_id, chain.alliance.address)
    assert (voucher.volunteer, voucher.offer_id, voucher.quantity) == (volunteer["address"], offer_id, 3)
    assert voucher.max_amount == issued["max_amount"] == 750  # today's price × quantity
    assert voucher.deadline == issued["deadline"] == int(relay.clock()) + 900
    assert str(voucher.nonce) == issued["nonce"]
    digest = voucher.digest(alliance_domain(chain.manifest.chain_id, chain.alliance.address))
    assert recover_signer(digest, Signature.from_bytes(signed.signature)) == volunteer["address"]


def test_each_voucher_gets_its_own_random_nonce(relay, face_provider) -> None:
    volunteer = Scenario(relay, face_provider).volunteer()
    offer_id = _tickets(relay)
    nonces = {_issue(relay, volunteer["app_user_id"], offer_id=offer_id, quantity=1).json()["nonce"] for _ in range(3)}
    assert len(nonces) == 3


def test_self_custody_volunteer_signs_in_their_own_wallet(relay, face_provider) -> None:
    volunteer = Scenario(relay, face_provider).volunteer(address=Account.create().address)
    response = _issue(relay, volunteer["app_user_id"], offer_id=_tickets(relay), quantity=1)
    assert error_of(response) == (409, "volunteer_holds_own_key")


def test_voucher_needs_a_known_volunteer_an_open_offer_and_an_app_key(relay, face_provider) -> None:
    volunteer = Scenario(relay, face_provider).volunteer()
    response = _issue(relay, "nobody", offer_id=1, quantity=1)
    assert error_of(response) == (404, "volunteer_not_found")
    response = _issue(relay, volunteer["app_user_id"], offer_id=2**63, quantity=1)
    assert error_of(response) == (404, "offer_not_found")
    path, body = f"/v1/volunteers/{volunteer['app_user_id']}/vouchers", {"offer_id": 1, "quantity": 1}
    response = relay.client.post(path, json=body, headers=relay.headers("auditor"))
    assert error_of(response) == (403, "wrong_role")
