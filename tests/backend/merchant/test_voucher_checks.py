"""`yilian merchant redeem` refuses a voucher the alliance would revert on, in plain words and
before any transaction: the merchant's nonce stays where it was, no gas is spent."""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount

from tests.backend.relay.scenario import Scenario
from yilian.chain.vouchers import parse_payload, voucher_payload
from yilian.merchant.market import Market
from yilian.merchant.redemptions import redeem_voucher
from yilian.merchant.wallet import unlock

from .conftest import PASSWORD, Merchant, earn, new_merchant


@dataclass
class Counter:
    """A merchant's counter: its offers, a rival's offer, a volunteer holding 15.00 益币."""

    merchant: Merchant
    volunteer: LocalAccount
    coffee: int  # 5.00 益币, 10 in stock
    last_cake: int  # 5.00 益币, 1 in stock
    rivals_offer: int

    @property
    def market(self) -> Market:
        return self.merchant.market

    def voucher(self, offer_id: int | None = None, *, key: LocalAccount | None = None, **terms: int) -> str:
        """A voucher as the volunteer's wallet signs it: one coffee, at most 10.00, ten minutes."""
        market = self.market
        signed = {
            "chain_id": market.chain_id, "alliance": market.alliance.address,
            "offer_id": offer_id or self.coffee, "quantity": 1, "max_amount": 1000,
            "deadline": market.now() + 600, **terms,
        }  # fmt: skip
        return voucher_payload((key or self.volunteer).key, **signed)

    def refusal(self, payload: str) -> list[str]:
        """The problems `redeem` lists, each once; asserts nothing was sent."""
        message = self.merchant.refused("redeem", payload)
        assert "nothing was sent" in message
        return [line.removeprefix("  - ") for line in message.splitlines() if line.startswith("  - ")]


@pytest.fixture(scope="module")
def counter(module_relay, face_provider, tmp_path_factory) -> Counter:
    folder: Path = tmp_path_factory.mktemp("counter")
    scenario = Scenario(module_relay, face_provider)
    volunteer = Account.create()
    earn(module_relay, scenario, scenario.volunteer(address=volunteer.address))
    merchant, rival = new_merchant(module_relay, folder), new_merchant(module_relay, folder)
    return Counter(
        merchant=merchant,
        volunteer=volunteer,
        coffee=merchant.publish(folder, price="5.00", stock=10),
        last_cake=merchant.publish(folder, price="5.00", stock=1),
        rivals_offer=rival.publish(folder, price="5.00", stock=10),
    )


def test_expired_voucher_is_refused(counter: Counter) -> None:
    [problem] = counter.refusal(counter.voucher(deadline=counter.market.now() - 1))
    assert problem.startswith("the voucher expired at")


def test_voucher_for_another_chain_is_refused(counter: Counter) -> None:
    problems = counter.refusal(counter.voucher(chain_id=1))
    assert "the voucher is for chain 1, but this wallet is on chain 1337" in problems


def test_voucher_with_a_tampered_quantity_is_refused(counter: Counter) -> None:
    envelope = json.loads(counter.voucher(quantity=1))
    envelope["voucher"]["quantity"] = 2  # the customer "corrects" the QR code's text
    [problem] = counter.refusal(json.dumps(envelope))
    assert problem.startswith(f"the signature is not volunteer {counter.volunteer.address}'s")


def test_voucher_for_another_merchants_offer_is_refused(counter: Counter) -> None:
    [problem] = counter.refusal(counter.voucher(counter.rivals_offer))
    assert f"offer #{counter.rivals_offer} belongs to merchant" in problem
    assert f"not to this wallet ({counter.merchant.address})" in problem


def test_voucher_beyond_the_stock_is_refused(counter: Counter) -> None:
    [problem] = counter.refusal(counter.voucher(counter.last_cake, quantity=2))
    assert problem == f"offer #{counter.last_cake} has 1 left in stock; the voucher asks for 2"


def test_voucher_above_the_volunteers_limit_is_refused(counter: Counter) -> None:
    [problem] = counter.refusal(counter.voucher(max_amount=499))
    assert problem == "1 × 5.00 益币 = 5.00 益币, more than the 4.99 益币 the volunteer agreed to pay"


def test_volunteer_without_enough_yicoin_is_refused(counter: Counter) -> None:
    [problem] = counter.refusal(counter.voucher(key=Account.create()))
    assert problem == "the volunteer has 0.00 益币; this redemption needs 5.00 益币"


def test_redeemed_voucher_is_refused_the_second_time(counter: Counter) -> None:
    payload = counter.voucher()
    account = unlock(counter.merchant.keystore, PASSWORD)
    redeem_voucher(counter.market, account, parse_payload(payload))
    [problem] = counter.refusal(payload)
    assert problem.startswith("the voucher was redeemed already")


def test_text_that_is_not_a_voucher_is_refused(counter: Counter) -> None:
    assert "the QR payload is not JSON" in counter.merchant.refused("redeem", "{not json")
