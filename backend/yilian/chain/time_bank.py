"""The TimeBank contract's signed messages: what a credit holder signs to move banked hours.

Each move (consent to a family link, a gift to family, a donation to the pool, a service request,
an export to a partner bank) is an EIP-712 message under the TimeBank domain with the holder's
next nonce (`TimeBank.nonces(holder)`) and a deadline; anyone may submit it, so a volunteer whose
key the relay holds still decides, and the relay's submitter pays the gas.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account

from yilian.chain.eip712 import DOMAIN_FIELDS, Eip712Domain

# Solidity field lists, in the contract's order (TimeBank.sol's typehash strings).
TIME_BANK_MESSAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "FamilyConsent": (("account", "address"), ("relative", "address"), ("nonce", "uint256"), ("deadline", "uint256")),
    "FamilyGift": (
        ("from", "address"),
        ("to", "address"),
        ("creditMinutes", "uint32"),
        ("nonce", "uint256"),
        ("deadline", "uint256"),
    ),
    "PoolDonation": (("from", "address"), ("creditMinutes", "uint32"), ("nonce", "uint256"), ("deadline", "uint256")),
    "ServiceRequest": (
        ("requester", "address"),
        ("activityId", "uint64"),
        ("nonce", "uint256"),
        ("deadline", "uint256"),
    ),
    "CreditExport": (
        ("from", "address"),
        ("partnerBank", "bytes32"),
        ("recipient", "address"),
        ("creditMinutes", "uint32"),
        ("nonce", "uint256"),
        ("deadline", "uint256"),
    ),
}


def time_bank_domain(chain_id: int, verifying_contract: str) -> Eip712Domain:
    return Eip712Domain("Yilian TimeBank", "1", chain_id, verifying_contract)


def holder_message(kind: str, domain: Eip712Domain, **message: Any) -> dict[str, Any]:
    """The full EIP-712 message a wallet shows and signs (`eth_signTypedData_v4`)."""
    fields = TIME_BANK_MESSAGES[kind]
    if set(message) != {name for name, _ in fields}:
        raise ValueError(f"{kind} needs exactly {', '.join(name for name, _ in fields)}")
    return {
        "types": {
            "EIP712Domain": [{"name": n, "type": t} for n, t in DOMAIN_FIELDS],
            kind: [{"name": n, "type": t} for n, t in fields],
        },
        "primaryType": kind,
        "domain": domain.as_dict(),
        "message": message,
    }


def sign_holder_message(private_key: bytes | str, kind: str, domain: Eip712Domain, **message: Any) -> bytes:
    """The holder's 65-byte signature over `kind` (what the contract's SignatureChecker checks)."""
    signed = Account.sign_typed_data(private_key, full_message=holder_message(kind, domain, **message))
    return bytes(signed.signature)
