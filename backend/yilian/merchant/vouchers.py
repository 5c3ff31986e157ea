"""The checks a merchant runs on a redemption voucher before paying gas (the voucher's format and
signing: `yilian.chain.vouchers`)."""

from __future__ import annotations

from dataclasses import dataclass

from yilian.chain.eip712 import RedemptionVoucher, Signature, alliance_domain, recover_signer
from yilian.chain.protocol import MerchantStatus
from yilian.chain.vouchers import SignedVoucher
from yilian.chain.yicoin import format_yicoin
from yilian.merchant.display import format_time
from yilian.merchant.offers import Offer, merchant_problem


@dataclass(frozen=True)
class VoucherFacts:
    """What the chain says now about redeeming a voucher: read once, then checked without I/O."""

    chain_id: int
    alliance: str
    now: int  # the latest block's time
    merchant: str  # the wallet that would submit the voucher
    merchant_status: MerchantStatus
    offer: Offer | None
    nonce_used: bool
    balance: int  # the volunteer's 益币
    spending_paused: bool


def check_voucher(signed: SignedVoucher, facts: VoucherFacts) -> list[str]:
    """Every reason the alliance would refuse this voucher from this merchant now; [] if none."""
    return _envelope_problems(signed, facts) + _offer_problems(signed.voucher, facts)


def _envelope_problems(signed: SignedVoucher, facts: VoucherFacts) -> list[str]:
    voucher, problems = signed.voucher, []
    if signed.chain_id != facts.chain_id:
        problems.append(f"the voucher is for chain {signed.chain_id}, but this wallet is on chain {facts.chain_id}")
    if signed.alliance != facts.alliance:
        problems.append(
            f"the voucher is for the alliance at {signed.alliance}, not this chain's alliance at {facts.alliance}"
        )
    if _signer(signed, facts) != voucher.volunteer:
        problems.append(
            f"the signature is not volunteer {voucher.volunteer}'s for this voucher on this chain: "
            "the voucher was altered after signing, or signed for another chain or alliance"
        )
    if facts.now > voucher.deadline:
        problems.append(f"the voucher expired at {format_time(voucher.deadline)}; ask the volunteer for a new one")
    if facts.nonce_used:
        problems.append("the voucher was redeemed already (its nonce is used); ask the volunteer for a new one")
    if facts.spending_paused:
        problems.append("益币 spending is paused by the alliance administrator; try again later")
    return problems


def _signer(signed: SignedVoucher, facts: VoucherFacts) -> str | None:
    digest = signed.voucher.digest(alliance_domain(facts.chain_id, facts.alliance))
    try:
        return recover_signer(digest, Signature.from_bytes(signed.signature))
    except ValueError:  # malformed: wrong length, v, or an s OpenZeppelin would reject
        return None


def _offer_problems(voucher: RedemptionVoucher, facts: VoucherFacts) -> list[str]:
    if facts.offer is None:
        return [f"offer #{voucher.offer_id} does not exist"]
    return _seller_problems(facts.offer, facts) + _quantity_problems(voucher, facts.offer, facts)


def _seller_problems(offer: Offer, facts: VoucherFacts) -> list[str]:
    label, terms, problems = f"offer #{offer.offer_id}", offer.terms, []
    if offer.merchant != facts.merchant:
        problems.append(f"{label} belongs to merchant {offer.merchant}, not to this wallet ({facts.merchant})")
    elif inactive := merchant_problem(facts.merchant_status, facts.merchant):
        problems.append(inactive)
    if offer.closed:
        problems.append(f"{label} is closed")
    elif not terms.valid_from <= facts.now <= terms.valid_until:
        problems.append(
            f"{label} is valid from {format_time(terms.valid_from)} until {format_time(terms.valid_until)}, not now"
        )
    return problems


def _quantity_problems(voucher: RedemptionVoucher, offer: Offer, facts: VoucherFacts) -> list[str]:
    problems = []
    if voucher.quantity == 0:
        problems.append("the voucher asks for 0 items")
    elif offer.terms.stock < voucher.quantity:
        problems.append(
            f"offer #{offer.offer_id} has {offer.terms.stock} left in stock; the voucher asks for {voucher.quantity}"
        )
    price, amount = offer.terms.price, offer.terms.price * voucher.quantity
    if amount > voucher.max_amount:
        problems.append(
            f"{voucher.quantity} × {format_yicoin(price)} = {format_yicoin(amount)}, more than the "
            f"{format_yicoin(voucher.max_amount)} the volunteer agreed to pay"
        )
    if facts.balance < amount:
        problems.append(
            f"the volunteer has {format_yicoin(facts.balance)}; this redemption needs {format_yicoin(amount)}"
        )
    return problems
