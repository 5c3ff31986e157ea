"""Issuing: the organisation certifies the service it organised (whoever organises an activity
records and certifies it, see docs/architecture.md).

The sessions come from the relay's confirmed attestations in the organisation's activities
(relay/services/certificates.py reads them); each is read back from the chain first, so a
revoked session is left out and a relay record that disagrees with the chain stops the issue
instead of being certified.
"""

from __future__ import annotations

from eth_account import Account
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
from yilian.errors import Conflict
from yilian.stats.period import Period, day_of


def certificate_number(organisation_id: int, volunteer: str, period: Period, issued_at: int) -> str:
    """YL-<issue date>-<organisation>-<10 hex of the volunteer, period and issue time>: readable,
    and with 40 bits of hash distinct in practice without a counter to keep."""
    digest = keccak256(f"{volunteer}|{period}|{issued_at}".encode())
    return f"YL-{day_of(issued_at):%Y%m%d}-{organisation_id:04d}-{digest[:5].hex().upper()}"


def certify(
    manifest: Manifest,
    *,
    organisation_id: int,
    organisation_name: str,
    volunteer: VolunteerIdentity,
    services: list[ServiceRecord],
    period: Period,
    issuer_key: str,
    now: int,
) -> SignedCertificate:
    """The certificate of `services` (read back with `standing_on_chain` first), signed."""
    total = sum(service.minutes for service in services)
    certificate = Certificate(
        number=certificate_number(organisation_id, volunteer.address, period, now),
        issued_at=now,
        issued_on=day_of(now),
        period_from=period.first,
        period_to=period.last,
        issuer=Issuer(
            organisation_id=organisation_id,
            organisation_name=organisation_name,
            address=Account.from_key(issuer_key).address,
        ),  # fmt: skip
        volunteer=volunteer,
        services=services,
        total_sessions=len(services),
        total_minutes=total,
        total_hours=hours_text(total),
        chain=ChainReference(chain_id=manifest.chain_id, ledger=manifest.address("HourLedger")),
    )
    return sign(certificate, issuer_key)


def standing_on_chain(
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
