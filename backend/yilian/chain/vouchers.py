"""Redemption vouchers as QR codes: the payload format, and signing one as the volunteer (a
wallet app, or the relay for custodial volunteers). The merchant's checks before paying gas are
in `yilian.merchant.vouchers`.

QR payload, version 1: compact JSON, UTF-8, one line:

    {"v":1,"chain":1337,"alliance":"0x…","voucher":{"volunteer":"0x…","offerId":"3","quantity":2,
     "maxAmount":"1000","nonce":"8514…","deadline":"1767225600"},"sig":"0x…"}

`voucher` is the EIP-712 message exactly as a wallet signs it (integers wider than 53 bits are
decimal strings, since JavaScript wallets lose precision above 2**53); `sig` is r‖s‖v, 65 bytes.
`chain` and `alliance` name the EIP-712 domain, so a merchant sees at once a voucher meant for
another chain or alliance instead of only a signature that does not match.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from eth_abi import encode
from eth_account import Account
from eth_utils import to_checksum_address

from yilian.chain.eip712 import RedemptionVoucher, alliance_domain, keccak256, sign_typed
from yilian.errors import Unprocessable

PAYLOAD_VERSION = 1
CONFIRMATION_TAG = keccak256(b"Yilian voucher confirmation v1")


class VoucherFormatError(Unprocessable):
    """The text is not a readable voucher (bad JSON, missing fields, another format version)."""

    code = "invalid_voucher"


@dataclass(frozen=True)
class SignedVoucher:
    chain_id: int
    alliance: str
    voucher: RedemptionVoucher
    signature: bytes  # as presented: checked by `check_voucher`, never trusted

    def payload(self) -> str:
        message = self.voucher.typed_data(alliance_domain(self.chain_id, self.alliance))["message"]
        envelope = {
            "v": PAYLOAD_VERSION,
            "chain": self.chain_id,
            "alliance": self.alliance,
            "voucher": message,
            "sig": "0x" + self.signature.hex(),
        }
        return json.dumps(envelope, separators=(",", ":"))


def confirmation_nonce(
    *, chain_id: int, alliance: str, volunteer: str, offer_id: int, quantity: int, max_amount: int,
    valid_for_s: int, voucher_nonce: int,
) -> str:  # fmt: skip
    """The face-assertion nonce with which a custodial volunteer confirms one voucher: keccak256
    of abi.encode(tag, chainId, alliance, volunteer, offerId, quantity, maxAmount (0: today's
    price × quantity), validForS, voucherNonce). The app asks the identity provider to match the
    volunteer's face with this nonce, so the provider's signature covers exactly this voucher."""
    types = ["bytes32", "uint256", "address", "address", "uint64", "uint32", "uint256", "uint64", "uint256"]
    values = [
        CONFIRMATION_TAG, chain_id, alliance, volunteer, offer_id, quantity, max_amount, valid_for_s, voucher_nonce
    ]  # fmt: skip
    return "0x" + keccak256(encode(types, values)).hex()


def sign_voucher(
    private_key: bytes | str,
    *,
    chain_id: int,
    alliance: str,
    offer_id: int,
    quantity: int,
    max_amount: int,
    deadline: int,
    nonce: int | None = None,
) -> SignedVoucher:
    """Signs a voucher as the volunteer whose key this is. The nonce is random by default: the
    alliance keeps used nonces in a bitmap, unordered, so a wallet needs no counter and no chain
    read, and a volunteer can hold several vouchers and use them in any order."""
    voucher = RedemptionVoucher(
        volunteer=Account.from_key(private_key).address,
        offer_id=offer_id,
        quantity=quantity,
        max_amount=max_amount,
        nonce=secrets.randbits(256) if nonce is None else nonce,
        deadline=deadline,
    )
    domain = alliance_domain(chain_id, alliance)
    signature = sign_typed(private_key, voucher.typed_data(domain))
    return SignedVoucher(chain_id, domain.verifying_contract, voucher, signature.to_bytes())


def voucher_payload(private_key: bytes | str, **terms: Any) -> str:
    """The QR payload a volunteer's wallet shows: `sign_voucher(private_key, **terms).payload()`."""
    return sign_voucher(private_key, **terms).payload()


def parse_payload(text: str) -> SignedVoucher:
    try:
        envelope = json.loads(text)
    except ValueError:
        raise VoucherFormatError("this is not a voucher: the QR payload is not JSON") from None
    if not isinstance(envelope, dict) or envelope.get("v") != PAYLOAD_VERSION:
        version = envelope.get("v") if isinstance(envelope, dict) else None
        raise VoucherFormatError(
            f"unknown voucher format (version {version!r}); this tool reads version {PAYLOAD_VERSION}"
        )
    try:
        message = envelope["voucher"]
        voucher = RedemptionVoucher(
            volunteer=message["volunteer"],
            offer_id=_integer("offerId", message["offerId"]),
            quantity=_integer("quantity", message["quantity"]),
            max_amount=_integer("maxAmount", message["maxAmount"]),
            nonce=_integer("nonce", message["nonce"]),
            deadline=_integer("deadline", message["deadline"]),
        )
        return SignedVoucher(
            chain_id=_integer("chain", envelope["chain"]),
            alliance=to_checksum_address(envelope["alliance"]),
            voucher=voucher,
            signature=bytes.fromhex(envelope["sig"].removeprefix("0x")),
        )
    except KeyError as missing:
        raise VoucherFormatError(f"the voucher lacks the field {missing}") from None
    except (TypeError, ValueError, AttributeError) as error:
        raise VoucherFormatError(f"the voucher is malformed: {error}") from None


def _integer(name: str, value: object) -> int:
    # Strict: int(1.5) would silently become 1, and a bool is no count.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise ValueError(f"{name} must be a whole number, got {value!r}")
