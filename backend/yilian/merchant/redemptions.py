"""Redeeming vouchers from the merchant's wallet, the merchant's statement, and settlement."""

from __future__ import annotations

from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from web3.types import EventData

from yilian.chain.contract_output import emitted
from yilian.chain.protocol import MerchantStatus
from yilian.chain.transactions import as_hex
from yilian.chain.vouchers import SignedVoucher
from yilian.chain.yicoin import format_yicoin
from yilian.merchant.errors import MerchantError, VoucherRefused
from yilian.merchant.market import Market
from yilian.merchant.offers import merchant_status, read_offer
from yilian.merchant.vouchers import VoucherFacts, check_voucher


@dataclass(frozen=True)
class Redemption:
    offer_id: int
    volunteer: str
    quantity: int
    amount: int
    voucher_nonce: int  # 0 when the volunteer redeemed from their own wallet
    by_voucher: bool
    tx_hash: str
    block_number: int

    @classmethod
    def from_event(cls, event: EventData) -> Redemption:
        args = event["args"]
        return cls(
            offer_id=args["offerId"],
            volunteer=args["volunteer"],
            quantity=args["quantity"],
            amount=args["amount"],
            voucher_nonce=args["voucherNonce"],
            by_voucher=args["byVoucher"],
            tx_hash=as_hex(event["transactionHash"]),
            block_number=event["blockNumber"],
        )


@dataclass(frozen=True)
class Settlement:
    settlement_id: int
    amount: int
    tx_hash: str
    block_number: int

    @classmethod
    def from_event(cls, event: EventData) -> Settlement:
        return cls(
            settlement_id=event["args"]["settlementId"],
            amount=event["args"]["amount"],
            tx_hash=as_hex(event["transactionHash"]),
            block_number=event["blockNumber"],
        )


@dataclass(frozen=True)
class Statement:
    redemptions: list[Redemption]
    settlements: list[Settlement]
    balance: int  # 益币 received and not settled yet

    @property
    def received(self) -> int:
        return sum(redemption.amount for redemption in self.redemptions)

    @property
    def settled(self) -> int:
        return sum(settlement.amount for settlement in self.settlements)


def read_facts(market: Market, signed: SignedVoucher, merchant: str) -> VoucherFacts:
    voucher, alliance = signed.voucher, market.alliance
    return VoucherFacts(
        chain_id=market.chain_id,
        alliance=alliance.address,
        now=market.now(),
        merchant=merchant,
        merchant_status=merchant_status(alliance, merchant),
        offer=read_offer(alliance, voucher.offer_id),
        nonce_used=alliance.functions.isVoucherNonceUsed(voucher.volunteer, voucher.nonce).call(),
        balance=market.balance(voucher.volunteer),
        spending_paused=market.yicoin.functions.paused().call(),
    )


def check_redemption(market: Market, signed: SignedVoucher, merchant: str) -> None:
    """Raises VoucherRefused with every problem the alliance would revert on; reads only."""
    problems = check_voucher(signed, read_facts(market, signed, merchant))
    if problems:
        raise VoucherRefused(problems)


def redeem_voucher(market: Market, account: LocalAccount, signed: SignedVoucher) -> Redemption:
    """Checks again right before sending: time passes while a password is typed."""
    check_redemption(market, signed, account.address)
    voucher = signed.voucher
    call = market.alliance.functions.redeemVoucher(
        (
            voucher.volunteer,
            voucher.offer_id,
            voucher.quantity,
            voucher.max_amount,
            voucher.nonce,
            voucher.deadline,
        ),
        signed.signature,
    )
    receipt = market.send(account, call)
    return Redemption.from_event(emitted(market.alliance, receipt, "OfferRedeemed")[0])


def statement(market: Market, merchant: str) -> Statement:
    events = market.alliance.events
    return Statement(
        redemptions=[Redemption.from_event(e) for e in market.events(events.OfferRedeemed, merchant=merchant)],
        settlements=[Settlement.from_event(e) for e in market.events(events.MerchantSettled, merchant=merchant)],
        balance=market.balance(merchant),
    )


def settlement_amount(market: Market, merchant: str, amount: int | None) -> int:
    """The amount to settle (None: the whole balance), refused in plain words if it cannot be."""
    balance = market.balance(merchant)
    amount = balance if amount is None else amount
    if merchant_status(market.alliance, merchant) is MerchantStatus.NONE:
        raise MerchantError(f"{merchant} is not a registered merchant; nothing to settle")
    if amount <= 0:
        raise MerchantError(f"nothing to settle: the amount is {format_yicoin(max(amount, 0))}")
    if amount > balance:
        raise MerchantError(f"cannot settle {format_yicoin(amount)}: the wallet holds {format_yicoin(balance)}")
    if market.yicoin.functions.paused().call():
        raise MerchantError("益币 is paused by the alliance administrator; settle later")
    return amount


def settle(market: Market, account: LocalAccount, amount: int) -> Settlement:
    """Burns `amount` of the 益币 the merchant received."""
    amount = settlement_amount(market, account.address, amount)
    receipt = market.send(account, market.alliance.functions.settle(amount))
    return Settlement.from_event(emitted(market.alliance, receipt, "MerchantSettled")[0])
