"""Issuing: the organisation certifies the service it organised ("谁组织谁记录，谁记录谁证明").

The sessions come from the relay's confirmed attestations in the organisation's activities; each
is read back from the chain first, so a revoked session is left out and a relay record that
disagrees with the chain stops the issue instead of being certified.
"""

from __future__ import annotations

from typing import cast

from eth_account import Account
from sqlalchemy import select
from sqlalchemy.orm import Session
from web3 import Web3

from yilian.audit.rpc import batched, contract_read
from yilian.certificates.model import (
    Certificate,
    ChainReference,
    Issuer,
    ServiceRecord,
    SignedCertificate,
    VolunteerIdentity,
    hours_text,
    sign,
)
from yilian.chain.eip712 import keccak256
from yilian.chain.manifest import Manifest
from yilian.chain.protocol import AttestationStatus
from yilian.relay.db.models import Activity, Attestation, Organisation
from yilian.relay.services.errors import Conflict, NotFound, Unprocessable
from yilian.relay.services.volunteers import get_volunteer
from yilian.stats.period import Period, day_of


def certificate_number(organisation_id: int, volunteer: str, period: Period, issued_at: int) -> str:
    """YL-<issue date>-<organisation>-<10 hex of the volunteer, period and issue time>: readable,
    and with 40 bits of hash distinct in practice without a counter to keep."""
    digest = keccak256(f"{volunteer}|{period}|{issued_at}".encode())
    return f"YL-{day_of(issued_at):%Y%m%d}-{organisation_id:04d}-{digest[:5].hex().upper()}"


def issue_certificate(
    session: Session,
    w3: Web3,
    manifest: Manifest,
    *,
    app_user_id: str,
    organisation_id: int,
    period: Period,
    issuer_key: str,
    now: int,
) -> SignedCertificate:
    volunteer = get_volunteer(session, app_user_id)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"no organisation {organisation_id}", code="organisation_not_found")
    rows = session.execute(
        select(Attestation, Activity.name)
        .join(Activity, Activity.id == Attestation.activity_id)
        .where(
            Attestation.volunteer_address == volunteer.address,
            Attestation.status == "confirmed",
            Activity.organisation_id == organisation_id,
            Attestation.check_in >= period.start,
            Attestation.check_in < period.end,
        )
        .order_by(Attestation.check_in)
    ).all()
    services = [
        ServiceRecord(
            uid=row.uid,
            activity_id=row.activity_id,
            activity_name=name,
            session=row.session,
            date=day_of(row.check_in),
            check_in=row.check_in,
            check_out=row.check_out,
            minutes=row.minutes,
            block=cast(int, row.block_number),  # confirmed: mined, in a known block
        )
        for row, name in rows
    ]
    services = _standing_on_chain(w3, manifest, volunteer.address, services)
    if not services:
        raise Unprocessable(
            f"{app_user_id!r} has no confirmed service in organisation {organisation_id}'s "
            f"activities from {period.first} to {period.last}",
            code="no_service_in_period",
        )
    total = sum(service.minutes for service in services)
    certificate = Certificate(
        number=certificate_number(organisation_id, volunteer.address, period, now),
        issued_at=now,
        issued_on=day_of(now),
        period_from=period.first,
        period_to=period.last,
        issuer=Issuer(
            organisation_id=organisation_id,
            organisation_name=organisation.name,
            address=Account.from_key(issuer_key).address,
        ),  # fmt: skip
        volunteer=VolunteerIdentity(
            real_name=volunteer.real_name,
            id_number_masked=volunteer.id_number_masked,
            address=volunteer.address,
        ),  # fmt: skip
        services=services,
        total_sessions=len(services),
        total_minutes=total,
        total_hours=hours_text(total),
        chain=ChainReference(chain_id=manifest.chain_id, ledger=manifest.address("HourLedger")),
    )
    return sign(certificate, issuer_key)


def _standing_on_chain(
    w3: Web3, manifest: Manifest, volunteer: str, services: list[ServiceRecord]
) -> list[ServiceRecord]:
    ledger = manifest.contract(w3, "HourLedger").functions
    states = batched(w3, (contract_read(ledger.attestationOf, volunteer, s.activity_id, s.session) for s in services))
    standing = []
    for service, (_, status, minutes) in zip(services, states, strict=True):
        if status != AttestationStatus.ACCEPTED:
            continue  # revoked by an auditor: not service the organisation can certify
        if minutes != service.minutes:
            raise Conflict(
                f"the relay records {service.minutes} minutes for {service.uid}, the chain "
                f"{minutes}: run `yilian audit` before certifying",
                code="relay_disagrees_with_chain",
            )
        standing.append(service)
    return standing
