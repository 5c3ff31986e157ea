"""Volunteer service certificates (志愿服务证明): issued by organisers, verified by anyone."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from yilian.certificates.model import SignedCertificate
from yilian.certificates.store import keep
from yilian.certificates.verify import verify_certificate
from yilian.relay.api.deps import ChainDep, ClockDep, SessionsDep, SettingsDep, require
from yilian.relay.api.openapi import CHAIN_WRITE, JSON_READ
from yilian.relay.api.types import AppUserId, ChainId, Day
from yilian.relay.db.models import ApiKey
from yilian.relay.db.session import transaction
from yilian.relay.services.access import require_organisation
from yilian.relay.services.certificates import issue_certificate
from yilian.relay.services.errors import Unprocessable
from yilian.stats.period import Period

router = APIRouter(prefix="/v1/certificates", tags=["certificates"])


class CertificateIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    app_user_id: AppUserId
    organisation_id: ChainId = Field(description="The issuing organisation: its activities are certified")
    period_from: Day = Field(alias="from")
    period_to: Day = Field(alias="to")


class VerificationOut(BaseModel):
    valid: bool
    reasons: list[str]
    hash: str = Field(description="Recomputed from the certificate's content")
    signer: str | None = Field(description="The address the signature recovers to")


@router.post("", status_code=201, response_model=SignedCertificate, responses=CHAIN_WRITE, name="issue_certificate")
def issue(
    body: CertificateIn, sessions: SessionsDep, chain: ChainDep, settings: SettingsDep, clock: ClockDep,
    key: Annotated[ApiKey, Depends(require("organiser"))],
) -> SignedCertificate:  # fmt: skip
    """Certifies the volunteer's confirmed, unrevoked sessions in the organisation's activities
    over the period (dates in China Standard Time, both included), signed with the issuing
    organisation's attester key; 409 `organisation_key_missing` if the relay holds none. An
    organiser key issues for its own organisation only (403 `other_organisation`). The relay
    keeps it: its QR code opens `GET /certificates/{number}`."""
    require_organisation(key, body.organisation_id)
    try:
        period = Period(body.period_from, body.period_to)
    except (ValueError, OverflowError) as error:
        raise Unprocessable(str(error), code="invalid_period") from error
    with transaction(sessions) as db:
        signed = issue_certificate(
            db, chain.w3, chain.manifest, app_user_id=body.app_user_id,
            organisation_id=body.organisation_id, period=period,
            issuer_key=chain.attesters.key_of(db, body.organisation_id), now=int(clock()),
        )  # fmt: skip
        keep(db, signed)  # for the public page its QR code opens
    return signed


@router.post("/verify", response_model=VerificationOut, responses=JSON_READ, name="verify_certificate")
def verify(
    body: SignedCertificate, chain: ChainDep,
    _: Annotated[ApiKey, Depends(require("app", "organiser", "auditor"))],
) -> VerificationOut:  # fmt: skip
    """Checks the signature, the totals and every session against the chain; `reasons` says
    what fails, naming the session."""
    result = verify_certificate(chain.w3, chain.manifest, body)
    return VerificationOut(valid=result.valid, reasons=result.reasons, hash=result.hash, signer=result.signer)
