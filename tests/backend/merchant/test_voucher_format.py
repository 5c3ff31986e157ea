"""The QR payload and the local checks as pure functions: no chain, the facts made up."""

import json
from dataclasses import replace

import pytest
from eth_account import Account
from eth_utils import to_checksum_address

from yilian.chain.protocol import MerchantStatus
from yilian.chain.vouchers import VoucherFormatError, parse_payload, sign_voucher
from yilian.chain.yicoin import format_yicoin, parse_yicoin
from yilian.merchant.offers import Offer, OfferTerms
from yilian.merchant.vouchers import VoucherFacts, check_voucher

ALLIANCE = to_checksum_address("0x" + "a1" * 20)
VOLUNTEER = Account.from_key("0x" + "11" * 32)
MERCHANT = Account.from_key("0x" + "22" * 32).address
NOW = 1_750_000_000


def _signed(**terms: int):  # type: ignore[no-untyped-def]
    fields = {"chain_id": 1337, "alliance": ALLIANCE, "offer_id": 7, "quantity": 2,
              "max_amount": 1000, "deadline": NOW + 600, "nonce": 2**255 + 1, **terms}  # fmt: skip
    return sign_voucher(VOLUNTEER.key, **fields)


FACTS = VoucherFacts(
    chain_id=1337, alliance=ALLIANCE, now=NOW, merchant=MERCHANT, merchant_status=MerchantStatus.ACTIVE,
    offer=Offer(7, MERCHANT, OfferTerms(500, 3, NOW - 60, NOW + 3600, bytes(32)), closed=False),
    nonce_used=False, balance=1000, spending_paused=False,
)  # fmt: skip


def test_payload_is_compact_json_that_reads_back_identically() -> None:
    signed = _signed()
    payload = signed.payload()
    assert " " not in payload and payload.startswith('{"v":1,"chain":1337,"alliance":"0x')
    envelope = json.loads(payload)
    assert envelope["voucher"]["nonce"] == str(2**255 + 1)  # JavaScript-safe: a decimal string
    assert envelope["voucher"]["quantity"] == 2
    assert parse_payload(payload) == signed


def test_a_sound_voucher_has_no_problems() -> None:
    assert check_voucher(_signed(), FACTS) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SHOP-QR-0001", "not JSON"),
        ('{"v":2}', "unknown voucher format (version 2)"),
        ('{"v":1,"chain":1337}', "lacks the field 'voucher'"),
    ],
)
def test_unreadable_payloads_are_explained(text: str, message: str) -> None:
    with pytest.raises(VoucherFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_payload(text)


def test_a_fractional_quantity_is_malformed_not_rounded() -> None:
    envelope = json.loads(_signed().payload())
    envelope["voucher"]["quantity"] = 1.5
    with pytest.raises(VoucherFormatError, match="quantity must be a whole number"):
        parse_payload(json.dumps(envelope))


def test_every_problem_is_listed_at_once() -> None:
    closed = replace(FACTS.offer, closed=True, terms=replace(FACTS.offer.terms, stock=1))  # type: ignore[arg-type]
    facts = replace(FACTS, now=NOW + 601, offer=closed, nonce_used=True, balance=0, spending_paused=True,
                    merchant_status=MerchantStatus.SUSPENDED)  # fmt: skip
    problems = check_voucher(_signed(max_amount=999), facts)
    assert [problem.split(" ")[:3] for problem in problems] == [
        ["the", "voucher", "expired"],
        ["the", "voucher", "was"],
        ["益币", "spending", "is"],
        ["merchant", MERCHANT, "is"],
        ["offer", "#7", "is"],
        ["offer", "#7", "has"],
        ["2", "×", "5.00"],
        ["the", "volunteer", "has"],
    ]


def test_amounts_are_shown_and_typed_with_two_decimals() -> None:
    assert format_yicoin(123_456) == "1,234.56 益币"
    assert format_yicoin(-5, unit=False) == "-0.05"
    assert parse_yicoin("12.5") == parse_yicoin("12.50 益币") == 1250
    for wrong in ("1.234", "-1", "NaN", "five"):
        with pytest.raises(ValueError, match="is not an amount of 益币"):
            parse_yicoin(wrong)
