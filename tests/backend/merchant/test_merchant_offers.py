"""`yilian merchant offers …` and `settle`: what the merchant changes on chain, and what is refused
before the wallet is unlocked."""

from pathlib import Path

import pytest

from yilian.merchant.errors import MerchantError
from yilian.merchant.offers import read_offer
from yilian.merchant.wallet import unlock

from .conftest import PASSWORD, Merchant, new_merchant


@pytest.fixture(scope="module")
def merchant(module_relay, tmp_path_factory) -> Merchant:
    return new_merchant(module_relay, tmp_path_factory.mktemp("offers"))


def test_merchant_updates_then_closes_an_offer(merchant: Merchant, tmp_path: Path) -> None:
    offer_id = merchant.publish(tmp_path, price="5.00", stock=3)
    alliance = merchant.market.alliance
    published = read_offer(alliance, offer_id)
    merchant.sent("offers", "update", str(offer_id), "--price", "4.50", "--stock", "7")
    updated = read_offer(alliance, offer_id)
    assert published is not None and updated is not None
    assert (updated.terms.price, updated.terms.stock) == (450, 7)
    assert (updated.terms.valid_until, updated.terms.metadata_hash) == (
        published.terms.valid_until,
        published.terms.metadata_hash,
    )

    merchant.sent("offers", "close", str(offer_id))
    [listed] = [line for line in merchant.ok("offers", "list").splitlines() if line.startswith(f"#{offer_id} ")]
    assert " closed " in listed and "closed in block" in listed
    assert "is closed" in merchant.refused("offers", "update", str(offer_id), "--stock", "1")


def test_offer_terms_are_checked_before_anything_is_sent(merchant: Merchant, tmp_path: Path) -> None:
    metadata = tmp_path / "offer.json"
    metadata.write_text("{}")
    backwards = ["--valid-from", "2030-01-01T00:00", "--valid-until", "2029-01-01T00:00"]
    create = ["offers", "create", "--price", "5.00", "--stock", "1", "--metadata-file", str(metadata)]
    assert "the offer must end after it starts" in merchant.refused(*create, *backwards)

    stranger = new_merchant(merchant.relay, tmp_path, kind=None)
    until = str(merchant.market.now() + 3600)
    assert "is not a registered merchant" in stranger.refused(*create, "--valid-until", until)


def test_settling_more_than_was_received_is_refused(merchant: Merchant) -> None:
    assert "the wallet holds 0.00 益币" in merchant.refused("settle", "--amount", "1.00")
    assert "nothing to settle" in merchant.refused("settle", "--all")
    assert merchant.run("settle").exit_code == 2  # neither --amount nor --all: a usage error


def test_a_call_the_contract_refuses_is_explained_not_paid_for(merchant: Merchant) -> None:
    """The safety net under the local checks: the gas estimate reverts, nothing is signed."""
    market = merchant.market
    nonce = market.w3.eth.get_transaction_count(merchant.address)
    with pytest.raises(MerchantError, match=r"nothing was sent: AllianceUnknownOffer\(offerId=999999\)"):
        market.send(unlock(merchant.keystore, PASSWORD), market.alliance.functions.closeOffer(999_999))
    assert market.w3.eth.get_transaction_count(merchant.address) == nonce
