"""What a volunteer can spend 益币 on, as the app lists it: active merchants and their live offers,
read from the chain; and the spending showing up in the volunteer's 益币 history."""

from pathlib import Path

from tests.backend.relay.scenario import Scenario

from .conftest import EARNED, admin_offer, confirmed_voucher, earn, new_merchant


def _items(relay, path: str, **params) -> list[dict]:
    response = relay.client.get(path, params=params, headers=relay.headers("app"))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_app_lists_live_offers_of_active_merchants_and_a_redemption_shows_as_spent(
    relay, face_provider, tmp_path: Path
) -> None:
    scenario = Scenario(relay, face_provider)
    volunteer = scenario.volunteer()
    earn(relay, scenario, volunteer)
    park = new_merchant(relay, tmp_path, kind="public_benefit")
    tickets = admin_offer(relay, park.address)
    closed = admin_offer(relay, park.address)
    park.sent("offers", "close", str(closed))
    cafe = new_merchant(relay, tmp_path)
    cafe_offer = admin_offer(relay, cafe.address)
    suspended = relay.client.post(f"/v1/merchants/{cafe.address}/suspend", json={"reason": "closed down"},
                                  headers=relay.headers("admin"))  # fmt: skip
    assert suspended.status_code == 200, suspended.text

    merchants = {m["address"]: m for m in _items(relay, "/v1/merchants", limit=100)}
    assert park.address in merchants and cafe.address not in merchants
    assert merchants[park.address]["kind"] == "public_benefit"
    everyone = {m["address"]: m["status"] for m in _items(relay, "/v1/merchants", limit=100, active_only=False)}
    assert everyone[cafe.address] == "suspended"
    offers = [o["offer_id"] for o in _items(relay, "/v1/offers", limit=100)]
    assert tickets in offers and closed not in offers and cafe_offer not in offers
    assert [o["offer_id"] for o in _items(relay, "/v1/offers", merchant=park.address)] == [tickets]

    body = confirmed_voucher(relay, face_provider, volunteer, offer_id=tickets, quantity=2)
    issued = relay.client.post(f"/v1/volunteers/{volunteer['app_user_id']}/vouchers", json=body,
                               headers=relay.headers("app"))  # fmt: skip
    voucher = tmp_path / "voucher.json"
    voucher.write_text(issued.json()["payload"])
    park.sent("redeem", str(voucher))
    history = _items(relay, f"/v1/volunteers/{volunteer['app_user_id']}/balance-history")
    assert [(h["kind"], h["amount"], h["counterparty"]) for h in history] == [
        ("spent", -500, park.address), ("earned", EARNED, "0x" + "00" * 20),
    ]  # fmt: skip


def test_offer_list_refuses_a_merchant_that_is_not_an_address(relay) -> None:
    response = relay.client.get("/v1/offers", params={"merchant": "cafe"}, headers=relay.headers("app"))
    assert (response.status_code, response.json()["code"]) == (422, "invalid_address")
