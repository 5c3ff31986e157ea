"""Merchants of the 益商联盟 for the alliance administrator, and the vouchers the relay signs for
custodial volunteers. Merchants live on chain only: the relay keeps no copy to drift from it.

The submitter key sends the administrative calls: it holds MERCHANT_MANAGER_ROLE (development
deployments grant it to dev account 0, the relay's development submitter).
"""

from dataclasses import dataclass

from eth_account import Account
from sqlalchemy.orm import Session, sessionmaker
from web3 import Web3
from web3.types import TxReceipt

from yilian.chain.eip712 import keccak256
from yilian.chain.transactions import as_hex
from yilian.merchant.market import emitted
from yilian.merchant.offers import MerchantStatus, Offer, OfferTerms, merchant_status, read_offer
from yilian.merchant.vouchers import SignedVoucher, sign_voucher
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.chain_calls import send_and_wait
from yilian.relay.services.errors import Conflict, NotFound, RelayError, Unprocessable
from yilian.relay.services.transactions import Submitter
from yilian.relay.services.volunteers import get_volunteer

MERCHANT_KINDS = ("none", "business", "public_benefit")  # IMerchantAlliance.MerchantKind order


class NotMerchantManager(RelayError):
    """The deployment did not grant the relay's submitter MERCHANT_MANAGER_ROLE: an operator's fix."""

    status = 503
    code = "relay_not_merchant_manager"


@dataclass(frozen=True)
class MerchantRecord:
    address: str
    kind: str
    status: str
    profile_hash: str
    tx_hash: str
    block_number: int


def register_merchant(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter,
    *, address: str, kind: str, name: str, timeout_s: float,
) -> MerchantRecord:  # fmt: skip
    """Registers a business or public-benefit provider; its profile hash is keccak256(name)."""
    address = checked_address(address)
    _require_manager(chain, submitter)
    if merchant_status(chain.alliance, address) is not MerchantStatus.NONE:
        raise Conflict(f"{address} is a registered merchant already", code="merchant_exists")
    profile_hash = keccak256(name.encode())
    call = chain.alliance.functions.registerMerchant(address, MERCHANT_KINDS.index(kind), profile_hash)
    receipt = send_and_wait(sessions, submitter, "register_merchant", call, timeout_s)
    return _merchant_record(chain, address, receipt)


def suspend_merchant(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter,
    *, address: str, reason: str, timeout_s: float,
) -> MerchantRecord:  # fmt: skip
    """Suspends a merchant: no new offers or redemptions; it may still settle what it holds."""
    address = checked_address(address)
    _require_manager(chain, submitter)
    _require_active(chain, address)
    call = chain.alliance.functions.suspendMerchant(address, reason)
    receipt = send_and_wait(sessions, submitter, "suspend_merchant", call, timeout_s)
    return _merchant_record(chain, address, receipt)


def create_offer(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter,
    *, merchant: str, terms: OfferTerms, timeout_s: float,
) -> tuple[Offer, TxReceipt]:  # fmt: skip
    """Publishes an offer on a merchant's behalf (a park's tickets, a clinic's health checks)."""
    merchant = checked_address(merchant)
    if problems := terms.problems():
        raise Unprocessable("; ".join(problems), code="invalid_offer_terms")
    _require_manager(chain, submitter)
    _require_active(chain, merchant)
    call = chain.alliance.functions.createOffer(merchant, *terms.arguments())
    receipt = send_and_wait(sessions, submitter, "create_offer", call, timeout_s)
    offer_id = emitted(chain.alliance, receipt, "OfferPublished")[0]["args"]["offerId"]
    return Offer(offer_id, merchant, terms, closed=False), receipt


def custodial_voucher(
    session: Session, chain: RelayChain,
    *, app_user_id: str, offer_id: int, quantity: int, max_amount: int | None,
    deadline: int, custody_password: str,
) -> SignedVoucher:  # fmt: skip
    """Signs a redemption voucher with the key the relay keeps for the volunteer. Without
    `max_amount`, the volunteer agrees to today's price: a later price rise voids the voucher."""
    volunteer = get_volunteer(session, app_user_id)
    if volunteer.custodial_keystore is None:
        raise Conflict(
            f"volunteer {app_user_id!r} holds their own key: their wallet signs vouchers itself",
            code="volunteer_holds_own_key",
        )
    offer = read_offer(chain.alliance, offer_id)
    if offer is None:
        raise NotFound(f"no offer #{offer_id}", code="offer_not_found")
    if offer.closed:
        raise Conflict(f"offer #{offer_id} is closed", code="offer_closed")
    return sign_voucher(
        Account.decrypt(volunteer.custodial_keystore, custody_password),
        chain_id=chain.manifest.chain_id,
        alliance=chain.alliance.address,
        offer_id=offer_id,
        quantity=quantity,
        max_amount=offer.terms.price * quantity if max_amount is None else max_amount,
        deadline=deadline,
    )


def checked_address(address: str) -> str:
    if not Web3.is_address(address):
        raise Unprocessable(f"{address!r} is not an Ethereum address", code="invalid_address")
    return Web3.to_checksum_address(address)


def _require_manager(chain: RelayChain, submitter: Submitter) -> None:
    """Checked first: without the role every call would revert, and the gas would be spent."""
    alliance = chain.alliance.functions
    if not alliance.hasRole(alliance.MERCHANT_MANAGER_ROLE().call(), submitter.account.address).call():
        raise NotMerchantManager(
            f"the relay's submitter {submitter.account.address} lacks MERCHANT_MANAGER_ROLE on the "
            "MerchantAlliance; the alliance's admin must grant it"
        )


def _require_active(chain: RelayChain, address: str) -> None:
    status = merchant_status(chain.alliance, address)
    if status is MerchantStatus.NONE:
        raise NotFound(f"{address} is not a registered merchant", code="merchant_not_found")
    if status is not MerchantStatus.ACTIVE:
        raise Conflict(f"merchant {address} is {status.name.lower()}", code="merchant_not_active")


def _merchant_record(chain: RelayChain, address: str, receipt: TxReceipt) -> MerchantRecord:
    kind, status, profile_hash = chain.alliance.functions.merchant(address).call()
    return MerchantRecord(
        address=address,
        kind=MERCHANT_KINDS[kind],
        status=MerchantStatus(status).name.lower(),
        profile_hash="0x" + profile_hash.hex(),
        tx_hash=as_hex(receipt["transactionHash"]),
        block_number=receipt["blockNumber"],
    )
