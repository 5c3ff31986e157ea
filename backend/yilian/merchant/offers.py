"""A merchant's offers: read from the chain, published, updated and closed from the wallet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from web3.contract import Contract
from web3.types import TxReceipt

from yilian.chain.contract_output import emitted
from yilian.chain.eip712 import keccak256
from yilian.chain.protocol import MerchantStatus
from yilian.merchant.display import format_time
from yilian.merchant.errors import MerchantError
from yilian.merchant.market import Market

_UINT32 = 2**32
_UINT128 = 2**128


def merchant_status(alliance: Contract, account: str) -> MerchantStatus:
    _kind, status, _profile = alliance.functions.merchant(account).call()
    return MerchantStatus(status)


def merchant_problem(status: MerchantStatus, account: str) -> str | None:
    """Why `account` cannot sell now, or None when it is an active merchant."""
    if status is MerchantStatus.NONE:
        return f"{account} is not a registered merchant: ask the alliance administrator to register it"
    if status is MerchantStatus.SUSPENDED:
        return f"merchant {account} is suspended: ask the alliance administrator"
    return None


@dataclass(frozen=True)
class OfferTerms:
    price: int  # 益币 base units per item
    stock: int
    valid_from: int
    valid_until: int
    metadata_hash: bytes

    def problems(self) -> list[str]:
        """What the alliance (or the ABI encoder) would refuse, in plain words."""
        problems = []
        if not 0 < self.price < _UINT128:
            problems.append("the price must be more than 0.00 益币")
        if not 0 <= self.stock < _UINT32:
            problems.append(f"the stock must be between 0 and {_UINT32 - 1}")
        if self.valid_until <= self.valid_from:
            problems.append(
                f"the offer must end after it starts (valid from {format_time(self.valid_from)}, "
                f"until {format_time(self.valid_until)})"
            )
        if len(self.metadata_hash) != 32:
            problems.append("the metadata hash must be 32 bytes")
        return problems

    def arguments(self) -> tuple[Any, ...]:
        """In the order of createOffer / updateOffer after their first argument."""
        return self.price, self.stock, self.valid_from, self.valid_until, self.metadata_hash


@dataclass(frozen=True)
class Offer:
    offer_id: int
    merchant: str
    terms: OfferTerms
    closed: bool

    def state(self, now: int) -> str:
        if self.closed:
            return "closed"
        if now < self.terms.valid_from:
            return "not yet valid"
        if now > self.terms.valid_until:
            return "expired"
        return "sold out" if self.terms.stock == 0 else "open"


@dataclass(frozen=True)
class ListedOffer:
    offer: Offer
    published_block: int
    closed_block: int | None


def metadata_hash(path: Path) -> bytes:
    """keccak-256 of the offer's metadata document, byte for byte as published."""
    try:
        return keccak256(path.read_bytes())
    except OSError as error:
        raise MerchantError(f"cannot read the metadata file {path}: {error.strerror}") from None


def read_offer(alliance: Contract, offer_id: int) -> Offer | None:
    merchant, stock, valid_from, valid_until, closed, price, digest = alliance.functions.offer(offer_id).call()
    if int(merchant, 16) == 0:
        return None
    return Offer(offer_id, merchant, OfferTerms(price, stock, valid_from, valid_until, digest), closed)


def merchant_offers(market: Market, merchant: str) -> list[ListedOffer]:
    """The merchant's offers as the chain has them now: ids from the events, state from `offer`."""
    events = market.alliance.events
    first_published: dict[int, int] = {}
    for event in market.events(events.OfferPublished, merchant=merchant):
        first_published.setdefault(event["args"]["offerId"], event["blockNumber"])
    closed = {e["args"]["offerId"]: e["blockNumber"] for e in market.events(events.OfferClosed, merchant=merchant)}
    # Offers are never deleted: every published id reads back (the filter only narrows the type).
    return [
        ListedOffer(offer, block, closed.get(offer_id))
        for offer_id, block in first_published.items()
        if (offer := read_offer(market.alliance, offer_id)) is not None
    ]


def check_publish(market: Market, merchant: str, terms: OfferTerms) -> None:
    status = merchant_status(market.alliance, merchant)
    _refuse([*terms.problems(), merchant_problem(status, merchant)])


def publish_offer(market: Market, account: LocalAccount, terms: OfferTerms) -> tuple[int, TxReceipt]:
    check_publish(market, account.address, terms)
    call = market.alliance.functions.createOffer(account.address, *terms.arguments())
    receipt = market.send(account, call)
    return emitted(market.alliance, receipt, "OfferPublished")[0]["args"]["offerId"], receipt


def revised_terms(market: Market, merchant: str, offer_id: int, **changes: Any) -> OfferTerms:
    """The offer's terms with `changes` (price, stock, valid_from, …) applied, checked."""
    terms = replace(own_open_offer(market, merchant, offer_id).terms, **changes)
    _refuse(terms.problems())
    return terms


def update_offer(market: Market, account: LocalAccount, offer_id: int, terms: OfferTerms) -> TxReceipt:
    """Replaces every term of an open offer of this merchant."""
    own_open_offer(market, account.address, offer_id)
    _refuse(terms.problems())
    return market.send(account, market.alliance.functions.updateOffer(offer_id, *terms.arguments()))


def close_offer(market: Market, account: LocalAccount, offer_id: int) -> TxReceipt:
    own_open_offer(market, account.address, offer_id)
    return market.send(account, market.alliance.functions.closeOffer(offer_id))


def own_open_offer(market: Market, merchant: str, offer_id: int) -> Offer:
    offer = read_offer(market.alliance, offer_id)
    if offer is None:
        raise MerchantError(f"offer #{offer_id} does not exist")
    if offer.merchant != merchant:
        raise MerchantError(f"offer #{offer_id} belongs to merchant {offer.merchant}, not to this wallet ({merchant})")
    if offer.closed:
        raise MerchantError(f"offer #{offer_id} is closed; publish a new offer instead")
    return offer


def _refuse(problems: Sequence[str | None]) -> None:
    found = [problem for problem in problems if problem]
    if found:
        raise MerchantError("; ".join(found))
