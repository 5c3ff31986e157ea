"""Merchants (the alliance administrator) and redemption vouchers for custodial volunteers (apps).

Merchants run their own wallets (`yilian merchant …`); these routes are the administrator's side
and the signature a custodial volunteer cannot make alone.
"""

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from yilian.chain.transactions import as_hex
from yilian.merchant.offers import OfferTerms
from yilian.relay.api.deps import (
    ChainDep,
    ClockDep,
    SessionsDep,
    SettingsDep,
    SubmitterDep,
    require,
)
from yilian.relay.api.openapi import CHAIN_WRITE
from yilian.relay.api.schemas import SuspendIn
from yilian.relay.api.types import (
    MAX_UINT32,
    MAX_UINT128,
    AddressPath,
    AddressText,
    AppUserIdPath,
    Bytes32Hex,
    Name,
    UnixTime,
)
from yilian.relay.db.models import ApiKey
from yilian.relay.db.session import transaction
from yilian.relay.services import merchants
from yilian.relay.services.errors import Unprocessable
from yilian.relay.verification import FaceAssertion

router = APIRouter(prefix="/v1", tags=["merchants and vouchers"])
Admin = Annotated[ApiKey, Depends(require("admin"))]
App = Annotated[ApiKey, Depends(require("app"))]
YICOIN_UNITS = "益币 in 0.01 units (2 decimals): 500 = 5.00 益币"


class MerchantIn(BaseModel):
    address: AddressText = Field(description="The merchant's own wallet address")
    kind: Literal["business", "public_benefit"]
    name: Name = Field(description="keccak256 of it is the profile hash")


class MerchantOut(BaseModel):
    address: str
    kind: str
    status: str
    profile_hash: str
    tx_hash: str
    block_number: int


class OfferIn(BaseModel):
    price: int = Field(ge=1, le=MAX_UINT128, description=f"Per item, in {YICOIN_UNITS}")
    stock: int = Field(ge=0, le=MAX_UINT32)
    valid_from: UnixTime
    valid_until: UnixTime
    metadata_hash: Bytes32Hex = Field(
        description="keccak-256 of the offer's metadata document, as "
        "`yilian merchant offers create --metadata-file` computes it",
    )


class OfferOut(BaseModel):
    offer_id: int
    merchant: str
    price: int
    stock: int
    valid_from: int
    valid_until: int
    metadata_hash: str
    tx_hash: str
    block_number: int


class VoucherIn(BaseModel):
    offer_id: int = Field(ge=1, le=2**64 - 1)
    quantity: int = Field(ge=1, le=MAX_UINT32)
    max_amount: int | None = Field(None, ge=1, le=2**256 - 1, description=f"Default: price × quantity; {YICOIN_UNITS}")
    valid_for_s: int = Field(600, ge=30, le=7 * 86_400, description="Until the voucher expires")
    voucher_nonce: str | None = Field(
        None, pattern=r"^[0-9]{1,78}$", description="The voucher's 256-bit nonce, chosen by the app (decimal)"
    )
    confirmation: FaceAssertion | None = Field(
        None,
        description="The volunteer's face match whose nonce is `yilian.chain.vouchers.confirmation_nonce` "
        "of these terms and voucher_nonce (max_amount 0 when omitted); required, fresh, used once",
    )


class VoucherOut(BaseModel):
    payload: str = Field(description="Show as a QR code; the merchant runs `yilian merchant redeem` on it")
    volunteer: str
    offer_id: int
    quantity: int
    max_amount: int
    nonce: str = Field(description="256-bit, as a decimal string")
    deadline: int


@router.post("/merchants", status_code=201, response_model=MerchantOut, responses=CHAIN_WRITE)
def register_merchant(
    body: MerchantIn, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, _: Admin,
) -> MerchantOut:  # fmt: skip
    """Registers a business or a public-benefit provider (wetland park, clinic) in the alliance."""
    record = merchants.register_merchant(
        sessions, chain, submitter, address=body.address, kind=body.kind, name=body.name,
        timeout_s=settings.receipt_timeout_s,
    )  # fmt: skip
    return MerchantOut(**asdict(record))


@router.post("/merchants/{address}/suspend", response_model=MerchantOut, responses=CHAIN_WRITE)
def suspend_merchant(
    address: AddressPath, body: SuspendIn, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, _: Admin,
) -> MerchantOut:  # fmt: skip
    """Suspends a merchant: volunteers can no longer redeem there; it may still settle."""
    record = merchants.suspend_merchant(
        sessions, chain, submitter, address=address, reason=body.reason,
        timeout_s=settings.receipt_timeout_s,
    )  # fmt: skip
    return MerchantOut(**asdict(record))


@router.post("/merchants/{address}/offers", status_code=201, response_model=OfferOut, responses=CHAIN_WRITE)
def create_offer(
    address: AddressPath, body: OfferIn, sessions: SessionsDep, chain: ChainDep, submitter: SubmitterDep,
    settings: SettingsDep, _: Admin,
) -> OfferOut:  # fmt: skip
    """Publishes an offer for a merchant, e.g. a public-benefit provider's wetland-park tickets."""
    metadata_hash = bytes.fromhex(body.metadata_hash[2:])
    terms = OfferTerms(body.price, body.stock, body.valid_from, body.valid_until, metadata_hash)
    offer, receipt = merchants.create_offer(
        sessions, chain, submitter, merchant=address, terms=terms,
        timeout_s=settings.receipt_timeout_s,
    )  # fmt: skip
    return OfferOut(
        offer_id=offer.offer_id, merchant=offer.merchant, price=terms.price, stock=terms.stock,
        valid_from=terms.valid_from, valid_until=terms.valid_until,
        metadata_hash="0x" + terms.metadata_hash.hex(),
        tx_hash=as_hex(receipt["transactionHash"]), block_number=receipt["blockNumber"],
    )  # fmt: skip


@router.post("/volunteers/{app_user_id}/vouchers", status_code=201, response_model=VoucherOut, responses=CHAIN_WRITE)
def issue_voucher(
    app_user_id: AppUserIdPath, body: VoucherIn, sessions: SessionsDep, chain: ChainDep,
    settings: SettingsDep, clock: ClockDep, _: App,
) -> VoucherOut:  # fmt: skip
    """Signs a redemption voucher for a custodial volunteer (the relay holds their key), only with
    the volunteer's own confirmation: a fresh face match from the identity provider whose nonce
    is keccak256 of the voucher's terms (`confirmation_nonce`), used once. Without it 403
    `volunteer_confirmation_required`; for other terms 422 `confirmation_terms_mismatch`; used
    before 409 `face_assertion_reused`. A volunteer with their own wallet gets 409
    `volunteer_holds_own_key`: the wallet signs."""
    voucher_nonce = int(body.voucher_nonce) if body.voucher_nonce else None
    if voucher_nonce is not None and voucher_nonce >= 2**256:
        raise Unprocessable("voucher_nonce must be below 2**256", code="invalid_voucher_nonce")
    request = merchants.VoucherRequest(
        app_user_id, body.offer_id, body.quantity, body.max_amount, body.valid_for_s, voucher_nonce, body.confirmation
    )
    with transaction(sessions) as session:
        signed = merchants.custodial_voucher(session, chain, settings, request, now=int(clock()))
    voucher = signed.voucher
    return VoucherOut(
        payload=signed.payload(), volunteer=voucher.volunteer, offer_id=voucher.offer_id,
        quantity=voucher.quantity, max_amount=voucher.max_amount, nonce=str(voucher.nonce),
        deadline=voucher.deadline,
    )  # fmt: skip
