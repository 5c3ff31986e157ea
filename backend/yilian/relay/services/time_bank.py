"""The time bank through the relay: balances and history read from the ledger, and the holder's
moves (family consent, gifts, donations, service requests) submitted for the holder.

A move is the holder's own EIP-712 message (see `yilian.chain.time_bank`): the relay prepares it
with the holder's current TimeBank nonce and a deadline, and submits it once approved. A volunteer
with their own wallet approves by signing it; for a volunteer whose key the relay keeps, approval
is a fresh face assertion from the identity provider whose nonce is the message's digest, so an
app key alone moves nobody's credits. The chain nonce inside the digest spends the approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from sqlalchemy.orm import Session, sessionmaker
from web3.contract.contract import ContractFunction

from yilian.chain import time_credits
from yilian.chain.eip712 import Eip712Domain, keccak256
from yilian.chain.time_bank import holder_message, time_bank_domain
from yilian.chain.time_credits import CreditEntry
from yilian.chain.transactions import as_hex
from yilian.relay.config import Settings
from yilian.relay.db.models import Volunteer
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.chain_calls import send_and_wait
from yilian.relay.services.errors import Forbidden, Unprocessable
from yilian.relay.services.transactions import Submitter
from yilian.relay.services.volunteers import get_volunteer
from yilian.relay.verification import FaceAssertion, check_face

MOVE_KINDS = ("FamilyConsent", "FamilyGift", "PoolDonation", "ServiceRequest")
CHAIN_WAIT_S = 30.0


@dataclass(frozen=True)
class Move:
    """A prepared move: the full typed message, its digest, and what the holder must approve with."""

    kind: str
    typed_data: dict[str, Any]
    digest: str
    custodial: bool


def prepare_move(
    db: Session, chain: RelayChain, *, app_user_id: str, kind: str, terms: dict[str, Any], deadline: int
) -> Move:
    """The message `app_user_id` approves for `kind` (`terms` name other volunteers by app user id).
    Prepared again at submission with the same deadline, it has the same digest as long as the
    holder's nonce has not moved: an approval counts for one move only."""
    holder = get_volunteer(db, app_user_id)
    message = _message(db, holder, kind, terms)
    message["nonce"] = chain.time_bank.functions.nonces(holder.address).call()
    message["deadline"] = deadline
    typed = holder_message(kind, _domain(chain), **message)
    signable = encode_typed_data(full_message=typed)
    digest = keccak256(b"\x19" + signable.version + signable.header + signable.body)
    return Move(kind, typed, "0x" + digest.hex(), holder.custodial_keystore is not None)


def submit_move(
    sessions: sessionmaker[Session],
    chain: RelayChain,
    submitter: Submitter,
    settings: Settings,
    *,
    app_user_id: str,
    move: Move,
    signature: str | None,
    face: FaceAssertion | None,
    now: int,
) -> str:
    """Submits an approved move and waits for it; returns the transaction hash."""
    with sessions() as db:
        holder = get_volunteer(db, app_user_id)
    if holder.custodial_keystore is None:
        signed = _wallet_signature(holder, move, signature)
    else:
        signed = _custodial_signature(holder, holder.custodial_keystore, move, face, settings, now)
    call = _call(chain, move, signed)
    receipt = send_and_wait(sessions, submitter, f"time_bank_{move.kind}", call, CHAIN_WAIT_S)
    return as_hex(receipt["transactionHash"])


def _message(db: Session, holder: Volunteer, kind: str, terms: dict[str, Any]) -> dict[str, Any]:
    def address_of(key: str) -> str:
        if not isinstance(terms.get(key), str):
            raise Unprocessable(f"{kind} needs `{key}` (an app user id)", code="time_bank_terms_invalid")
        return get_volunteer(db, terms[key]).address

    def minutes() -> int:
        value = terms.get("minutes")
        if not isinstance(value, int) or not 0 < value < 2**32:
            raise Unprocessable(f"{kind} needs `minutes` between 1 and 2^32-1", code="time_bank_terms_invalid")
        return value

    if kind == "FamilyConsent":
        return {"account": holder.address, "relative": address_of("relative")}
    if kind == "FamilyGift":
        return {"from": holder.address, "to": address_of("to"), "creditMinutes": minutes()}
    if kind == "PoolDonation":
        return {"from": holder.address, "creditMinutes": minutes()}
    if kind == "ServiceRequest":
        activity = terms.get("activity_id")
        if not isinstance(activity, int) or not 0 < activity < 2**63:
            raise Unprocessable("ServiceRequest needs `activity_id`", code="time_bank_terms_invalid")
        return {"requester": holder.address, "activityId": activity}
    raise Unprocessable(f"kind must be one of {', '.join(MOVE_KINDS)}", code="time_bank_kind_unknown")


def _domain(chain: RelayChain) -> Eip712Domain:
    return time_bank_domain(chain.manifest.chain_id, chain.time_bank.address)


def _wallet_signature(holder: Volunteer, move: Move, signature: str | None) -> bytes:
    if signature is None:
        raise Unprocessable(
            "a volunteer with their own wallet approves by signing the message", code="signature_required"
        )
    try:
        signer = Account.recover_message(encode_typed_data(full_message=move.typed_data), signature=signature)
    except ValueError:
        signer = None
    if signer != holder.address:
        raise Forbidden("the signature is not the volunteer's", code="signature_not_holder")
    return bytes.fromhex(signature.removeprefix("0x"))


def _custodial_signature(
    holder: Volunteer, keystore: str, move: Move, face: FaceAssertion | None, settings: Settings, now: int
) -> bytes:
    if face is None:
        raise Unprocessable(
            "the volunteer approves with a face assertion whose nonce is the message digest", code="approval_required"
        )
    check_face(
        face, volunteer=holder.address, provider_address=settings.face_provider,
        now=now, max_age_s=settings.face_max_age_s, min_score=settings.face_min_score,
    )  # fmt: skip
    if face.nonce.lower() != move.digest:
        raise Forbidden("the face assertion approves another message", code="approval_mismatch")
    key = Account.decrypt(keystore, settings.custody_password)
    return bytes(Account.sign_typed_data(key, full_message=move.typed_data).signature)


def _call(chain: RelayChain, move: Move, signature: bytes) -> ContractFunction:
    m, bank = move.typed_data["message"], chain.time_bank.functions
    if move.kind == "FamilyConsent":
        return bank.consentToFamilyLink(m["account"], m["relative"], m["deadline"], signature)
    if move.kind == "FamilyGift":
        return bank.giveToFamily(m["from"], m["to"], m["creditMinutes"], m["deadline"], signature)
    if move.kind == "PoolDonation":
        return bank.donateToPool(m["from"], m["creditMinutes"], m["deadline"], signature)
    return bank.requestService(m["requester"], m["activityId"], m["deadline"], signature)


def credit_history(chain: RelayChain, address: str) -> list[CreditEntry]:
    """Every change of `address`'s credits since the ledger was deployed, oldest first."""
    return time_credits.credit_history(chain.ledger, _since(chain), address)


def confirm_family_link(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, *, app_user_id: str, relative: str
) -> str:
    """The organisation's confirmation (registrar role) that two volunteers are family."""
    with sessions() as db:
        first, second = get_volunteer(db, app_user_id), get_volunteer(db, relative)
    if first.id == second.id:
        raise Unprocessable("a volunteer cannot be their own family link", code="time_bank_self_link")
    call = chain.time_bank.functions.confirmFamilyLink(first.address, second.address)
    return as_hex(send_and_wait(sessions, submitter, "time_bank_confirm_family", call, CHAIN_WAIT_S)["transactionHash"])


def time_bank_stats(chain: RelayChain) -> dict[str, int]:
    """The district bank's totals, from every time-credit event of the ledger."""
    return time_credits.bank_totals(chain.ledger, _since(chain))


def _since(chain: RelayChain) -> int:
    return chain.manifest.contracts["HourLedger"].block_number
