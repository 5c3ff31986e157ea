"""The whole story, both ways a volunteer can hold a key: hours → 益币 → a voucher shown as a QR
code → the merchant redeems it from the merchant's wallet → the merchant settles (burns)."""

from pathlib import Path

from eth_account import Account
from web3.constants import ADDRESS_ZERO

from tests.backend.relay.scenario import Scenario
from yilian.chain.contract_output import emitted
from yilian.chain.vouchers import voucher_payload

from .conftest import EARNED, Merchant, admin_offer, confirmed_voucher, earn, new_merchant


def test_self_custody_volunteer_signs_a_voucher_the_merchant_redeems_and_settles(
    relay, face_provider, tmp_path: Path
) -> None:
    scenario = Scenario(relay, face_provider)
    key = Account.create()
    volunteer = scenario.volunteer(address=key.address)
    earn(relay, scenario, volunteer)
    merchant = new_merchant(relay, tmp_path)
    offer_id = merchant.publish(tmp_path, price="5.00", stock=3)
    assert f"#{offer_id}" in merchant.ok("offers", "list")

    market = merchant.market
    payload = voucher_payload(  # what the volunteer's own wallet app shows as a QR code
        key.key, chain_id=market.chain_id, alliance=market.alliance.address,
        offer_id=offer_id, quantity=2, max_amount=1000, deadline=market.now() + 600,
    )  # fmt: skip
    _redeem_and_settle(merchant, payload, volunteer=key.address, offer_id=offer_id, quantity=2)


def test_custodial_volunteer_gets_a_relay_signed_voucher_the_merchant_redeems_and_settles(
    relay, face_provider, tmp_path: Path
) -> None:
    scenario = Scenario(relay, face_provider)
    volunteer = scenario.volunteer()
    earn(relay, scenario, volunteer)
    park = new_merchant(relay, tmp_path, kind="public_benefit")
    offer_id = admin_offer(relay, park.address)

    body = confirmed_voucher(relay, face_provider, volunteer, offer_id=offer_id, quantity=2, valid_for_s=600)
    path = f"/v1/volunteers/{volunteer['app_user_id']}/vouchers"
    issued = relay.client.post(path, json=body, headers=relay.headers("app"))
    assert issued.status_code == 201, issued.text
    voucher_file = tmp_path / "voucher.json"  # the merchant's scanner saved the QR code's text
    voucher_file.write_text(issued.json()["payload"])
    _redeem_and_settle(park, str(voucher_file), volunteer=volunteer["address"], offer_id=offer_id, quantity=2)


def _redeem_and_settle(merchant: Merchant, voucher: str, *, volunteer: str, offer_id: int, quantity: int) -> None:
    """Redeems `voucher` and settles everything, checking balances, stock, supply and events."""
    market, alliance, yicoin = merchant.market, merchant.market.alliance, merchant.market.yicoin
    price = alliance.functions.offer(offer_id).call()[5]
    stock = alliance.functions.offer(offer_id).call()[1]
    amount = price * quantity
    supply = yicoin.functions.totalSupply().call()

    redeemed = merchant.sent("redeem", voucher)
    assert redeemed["from"] == merchant.address  # the merchant's wallet paid the gas
    [event] = emitted(alliance, redeemed, "OfferRedeemed")
    assert (event.args.offerId, event.args.volunteer, event.args.merchant) == (
        offer_id, volunteer, merchant.address,
    )  # fmt: skip
    assert (event.args.quantity, event.args.amount, event.args.byVoucher) == (quantity, amount, True)
    # The volunteer's first spend: the points the ledger owed are minted, then paid.
    settle, transfer = emitted(yicoin, redeemed, "Transfer")
    assert (settle.args["from"], settle.args.to, settle.args.value) == (ADDRESS_ZERO, volunteer, EARNED)
    assert (transfer.args["from"], transfer.args.to, transfer.args.value) == (
        volunteer, merchant.address, amount,
    )  # fmt: skip
    assert market.balance(volunteer) == EARNED - amount
    assert market.balance(merchant.address) == amount
    assert alliance.functions.offer(offer_id).call()[1] == stock - quantity
    shown = f"{amount // 100}.{amount % 100:02d} 益币"
    assert f"received        {shown} (redemptions: 1, items: {quantity})" in merchant.ok("redemptions")

    settled = merchant.sent("settle", "--all")
    [settlement] = emitted(alliance, settled, "MerchantSettled")
    assert (settlement.args.merchant, settlement.args.amount) == (merchant.address, amount)
    assert yicoin.functions.totalSupply().call() == supply - amount
    assert market.balance(merchant.address) == 0
    statement = merchant.ok("redemptions")
    assert f"settled         {shown} (settlements: 1)" in statement
    assert "to settle       0.00 益币" in statement
