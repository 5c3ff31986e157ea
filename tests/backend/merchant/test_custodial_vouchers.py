"""`POST /v1/volunteers/{app_user_id}/vouchers`: the relay signs with the key it keeps for a
custodial volunteer, only with the volunteer's own confirmation (a face match whose nonce commits
to the voucher's terms); a volunteer with their own wallet signs there, not here."""

import pytest
from eth_account import Account

from tests.backend.relay.scenario import Scenario
from yilian.chain.eip712 import Signature, alliance_domain, recover_signer
from yilian.chain.vouchers import parse_payload
from yilian.relay.db.models import SpentFaceNonce

from .conftest import admin_offer, confirmed_voucher, error_of, register


def _tickets(relay) -> int:  # type: ignore[no-untyped-def]
    park = Account.create().address
    register(relay, park, "public_benefit")
    return admin_offer(relay, park)


def _post(relay, app_user_id: str, body: dict):  # type: ignore[no-untyped-def]
    return relay.client.post(f"/v1/volunteers/{app_user_id}/vouchers", json=body, headers=relay.headers("app"))


def _issue(relay, face, volunteer: dict, **terms: int):  # type: ignore[no-untyped-def]
    return _post(relay, volunteer["app_user_id"], confirmed_voucher(relay, face, volunteer, **terms))


def _spent_nonces(relay) -> int:  # type: ignore[no-untyped-def]
    with relay.sessions() as session:
        return session.query(SpentFaceNonce).count()


def test_relay_signs_a_voucher_with_the_custodial_volunteers_key(relay, face_provider) -> None:
    volunteer = Scenario(relay, face_provider).volunteer()
    offer_id = _tickets(relay)
    response = _issue(relay, face_provider, volunteer, offer_id=offer_id, quantity=3, valid_for_s=900)
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


def test_each_confirmed_voucher_carries_the_nonce_the_app_chose(relay, face_provider) -> None:
    volunteer = Scenario(relay, face_provider).volunteer()
    offer_id = _tickets(relay)
    bodies = [confirmed_voucher(relay, face_provider, volunteer, offer_id=offer_id, quantity=1) for _ in range(3)]
    answers = [_post(relay, volunteer["app_user_id"], body).json() for body in bodies]
    assert [answer["nonce"] for answer in answers] == [body["voucher_nonce"] for body in bodies]


def test_an_app_key_alone_cannot_get_a_voucher_signed(relay, face_provider) -> None:
    volunteer = Scenario(relay, face_provider).volunteer()
    body = {"offer_id": _tickets(relay), "quantity": 1}
    before = _spent_nonces(relay)
    assert error_of(_post(relay, volunteer["app_user_id"], body)) == (403, "volunteer_confirmation_required")
    assert _spent_nonces(relay) == before


def test_a_face_match_made_for_other_terms_or_anything_else_is_refused(relay, face_provider) -> None:
    volunteer = Scenario(relay, face_provider).volunteer()
    offer_id = _tickets(relay)
    one = confirmed_voucher(relay, face_provider, volunteer, offer_id=offer_id, quantity=1)
    more = {**one, "quantity": 4}  # the app raises the quantity the volunteer confirmed
    assert error_of(_post(relay, volunteer["app_user_id"], more)) == (422, "confirmation_terms_mismatch")
    more = {**one, "voucher_nonce": "1"}  # or signs another voucher with the same confirmation
    assert error_of(_post(relay, volunteer["app_user_id"], more)) == (422, "confirmation_terms_mismatch")
    check_in_face = face_provider.assert_match(volunteer["address"], int(relay.clock()), 9500)
    other = {**one, "confirmation": check_in_face.model_dump()}  # a check-in's face match
    assert error_of(_post(relay, volunteer["app_user_id"], other)) == (422, "confirmation_terms_mismatch")


def test_a_confirmation_is_used_once(relay, face_provider) -> None:
    volunteer = Scenario(relay, face_provider).volunteer()
    body = confirmed_voucher(relay, face_provider, volunteer, offer_id=_tickets(relay), quantity=1)
    assert _post(relay, volunteer["app_user_id"], body).status_code == 201
    assert error_of(_post(relay, volunteer["app_user_id"], body)) == (409, "face_assertion_reused")


@pytest.mark.parametrize("case", ["stale", "another_volunteer"])
def test_a_stale_or_misdirected_confirmation_is_refused(relay, face_provider, case: str) -> None:
    scenario = Scenario(relay, face_provider)
    volunteer, other = scenario.volunteer(), scenario.volunteer()
    body = confirmed_voucher(relay, face_provider, volunteer, offer_id=_tickets(relay), quantity=1)
    if case == "stale":
        relay.clock.advance(relay.settings.face_max_age_s + 1)
        expected = (422, "face_assertion_stale")
    else:
        body = {**body, "confirmation": confirmed_voucher(relay, face_provider, other, **body)["confirmation"]}
        expected = (422, "confirmation_terms_mismatch")  # its nonce names the other volunteer
    assert error_of(_post(relay, volunteer["app_user_id"], body)) == expected


def test_self_custody_volunteer_signs_in_their_own_wallet(relay, face_provider) -> None:
    volunteer = Scenario(relay, face_provider).volunteer(address=Account.create().address)
    response = _issue(relay, face_provider, volunteer, offer_id=_tickets(relay), quantity=1)
    assert error_of(response) == (409, "volunteer_holds_own_key")


def test_voucher_needs_a_known_volunteer_an_open_offer_and_an_app_key(relay, face_provider) -> None:
    volunteer = Scenario(relay, face_provider).volunteer()
    response = _post(relay, "nobody", {"offer_id": 1, "quantity": 1})
    assert error_of(response) == (404, "volunteer_not_found")
    response = _issue(relay, face_provider, volunteer, offer_id=2**63, quantity=1)
    assert error_of(response) == (404, "offer_not_found")
    path, body = f"/v1/volunteers/{volunteer['app_user_id']}/vouchers", {"offer_id": 1, "quantity": 1}
    response = relay.client.post(path, json=body, headers=relay.headers("auditor"))
    assert error_of(response) == (403, "wrong_role")
