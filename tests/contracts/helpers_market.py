"""Helpers shared by the 益币 (YiCoin), merchant-alliance and stateful tests.

- `reverts_with` / `ANY`: `brownie.reverts` for a custom error and its arguments (the registry
  and ledger tests use them too, through helpers_ledger);
- `open_offer`, `register_merchant`, `earn`: one-line set-up steps;
- `voucher_for` / `signed_voucher`: RedemptionVouchers signed the way a wallet signs them
  (eth-account's EIP-712 path), ready for `alliance.redeemVoucher`.
"""

from __future__ import annotations

import re

import brownie
from brownie import accounts, chain

from yilian.chain.eip712 import (
    Eip712Domain,
    RedemptionVoucher,
    Signature,
    alliance_domain,
    recover_signer,
    sign_typed,
)

DAY = 86_400
PRICE = 300  # 3.00 益币 per item (2 decimals)
STOCK = 5
ANY = object()  # an error argument the test cannot know exactly (a block timestamp)


class Kind:
    """IMerchantAlliance.MerchantKind, as the plain ints Brownie returns and accepts."""

    NONE, BUSINESS, PUBLIC_BENEFIT = 0, 1, 2


class Status:
    """IMerchantAlliance.MerchantStatus."""

    NONE, ACTIVE, SUSPENDED = 0, 1, 2


def _format(value: object) -> str:
    """One custom-error argument as Brownie prints it after decoding the revert data."""
    value = getattr(value, "address", value)  # accounts and contracts
    if isinstance(value, int):  # ints, enum values, bools
        return str(int(value))
    if isinstance(value, bytes):  # bytes32 (roles, uids)
        return str(bytes(value))
    return str(value).lower()  # addresses


def reverts_with(error: str, *args: object):
    """Expects a revert with custom error `error(args...)`; `ANY` matches any number."""
    if not any(a is ANY for a in args):
        return brownie.reverts(f"{error}: {', '.join(_format(a) for a in args)}")
    parts = [r"\d+" if a is ANY else re.escape(_format(a)) for a in args]
    return brownie.reverts(revert_pattern=re.escape(f"{error}: ") + ", ".join(parts))


def register_merchant(alliance, account, kind=Kind.BUSINESS, manager=None):
    """Registers `account` as an active merchant (the conftest admin is a merchant manager)."""
    alliance.registerMerchant(account, kind, b"\x07" * 32, {"from": manager or accounts[0]})
    return account


def open_offer(alliance, merchant, *, price=PRICE, stock=STOCK, valid_from=None, valid_until=None, sender=None) -> int:
    """Publishes an offer of `merchant` (valid from a day ago for 30 days); returns its id."""
    valid_from = chain.time() - DAY if valid_from is None else valid_from
    valid_until = valid_from + 30 * DAY if valid_until is None else valid_until
    tx = alliance.createOffer(
        merchant,
        price,
        stock,
        valid_from,
        valid_until,
        b"\x05" * 32,
        {"from": sender or merchant},
    )
    return tx.events["OfferPublished"]["offerId"]


def earn(ledger, sign, volunteer, activity, *, minutes=60, session=0) -> int:
    """Attests `minutes` of service (submitted by the relay account); returns the points earned."""
    tx = ledger.attest(sign(volunteer, activity, session=session, minutes=minutes), {"from": accounts[0]})
    return tx.events["HoursAttested"]["points"]


def voucher_for(volunteer, offer_id, *, quantity=1, max_amount=None, nonce=0, deadline=None) -> RedemptionVoucher:
    """A voucher for `quantity` items, agreeing to pay up to `max_amount` (default: PRICE each)."""
    return RedemptionVoucher(
        volunteer=str(getattr(volunteer, "address", volunteer)),
        offer_id=offer_id,
        quantity=quantity,
        max_amount=PRICE * quantity if max_amount is None else max_amount,
        nonce=nonce,
        deadline=chain.time() + 3600 if deadline is None else deadline,
    )


def voucher_domain(alliance, chain_id=None) -> Eip712Domain:
    return alliance_domain(chain.id if chain_id is None else chain_id, alliance.address)


def sign_voucher(key, voucher: RedemptionVoucher, domain: Eip712Domain) -> bytes:
    """The 65-byte signature a volunteer's wallet produces for the voucher's QR code."""
    return sign_typed(key.key, voucher.typed_data(domain)).to_bytes()


def as_call_args(voucher: RedemptionVoucher) -> tuple:
    """The voucher as the `RedemptionVoucher` tuple `redeemVoucher` takes."""
    return (voucher.volunteer, voucher.offer_id, voucher.quantity, voucher.max_amount, voucher.nonce, voucher.deadline)


def signed_voucher(key, alliance, offer_id, **terms) -> tuple[tuple, bytes]:
    """(voucher tuple, signature) of `key`'s holder for `offer_id`, under the alliance's domain."""
    voucher = voucher_for(key.address, offer_id, **terms)
    return as_call_args(voucher), sign_voucher(key, voucher, voucher_domain(alliance))


def signer_of(voucher_args: tuple, signature: bytes, domain: Eip712Domain) -> str:
    """Whom the contract recovers from `signature` over the voucher `voucher_args`."""
    return recover_signer(RedemptionVoucher(*voucher_args).digest(domain), Signature.from_bytes(signature))
