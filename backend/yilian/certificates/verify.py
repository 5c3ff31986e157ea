"""Verification, by anyone holding the certificate and a connection to the chain.

Every check runs and every failure is reported, each naming what fails (a session's uid, the
signature, a total): a reader learns what is wrong, not only that something is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from eth_utils import event_abi_to_log_topic, to_checksum_address
from web3 import Web3
from web3.types import FilterParams

from yilian.audit.onchain import ACCEPTED, REVOKED
from yilian.audit.rpc import batched, contract_read
from yilian.certificates.model import (
    Certificate,
    ServiceRecord,
    SignedCertificate,
    certificate_hash,
    hours_text,
    signer_of,
)
from yilian.chain.eip712 import uid as session_uid
from yilian.chain.manifest import Manifest
from yilian.stats.period import day_of


@dataclass(frozen=True)
class Verification:
    valid: bool
    reasons: list[str]
    hash: str  # recomputed from the content
    signer: str | None  # the address the signature recovers to


def verify_certificate(w3: Web3, manifest: Manifest, signed: SignedCertificate) -> Verification:
    certificate = signed.certificate
    digest = certificate_hash(certificate)
    reasons: list[str] = []
    if "0x" + digest.hex() != signed.hash.lower():
        reasons.append("the content does not match the certificate's hash: it was changed after signing")
    try:
        signer: str | None = signer_of(digest, signed.signature)
    except ValueError:
        signer = None
        reasons.append("the signature is malformed")
    if signer is not None and signer != to_checksum_address(certificate.issuer.address):
        reasons.append(
            f"the signature is not the issuer's: it recovers to {signer}, the issuer is {certificate.issuer.address}"
        )
    chain = certificate.chain
    if (chain.chain_id, to_checksum_address(chain.ledger)) != (manifest.chain_id, manifest.address("HourLedger")):
        reasons.append(f"issued for ledger {chain.ledger} on chain {chain.chain_id}, not this deployment")
    else:
        reasons += _internal(certificate) + _on_chain(w3, manifest, certificate)
    return Verification(not reasons, reasons, "0x" + digest.hex(), signer)


def _internal(certificate: Certificate) -> list[str]:
    """What the document must satisfy by itself: totals, dates, uids."""
    reasons = []
    services, volunteer = certificate.services, certificate.volunteer.address
    total = sum(service.minutes for service in services)
    if (certificate.total_sessions, certificate.total_minutes) != (len(services), total):
        reasons.append(
            f"the totals say {certificate.total_sessions} sessions and {certificate.total_minutes} "
            f"minutes; the sessions listed add up to {len(services)} and {total}"
        )
    if certificate.total_hours != hours_text(certificate.total_minutes):
        reasons.append(f"{certificate.total_minutes} minutes are not {certificate.total_hours} hours")
    for service in services:
        if "0x" + session_uid(volunteer, service.activity_id, service.session).hex() != service.uid:
            reasons.append(f"session {service.uid} is not this volunteer's session {service.session} "
                           f"of activity {service.activity_id}")  # fmt: skip
        if not certificate.period_from <= service.date <= certificate.period_to:
            reasons.append(f"session {service.uid} ({service.date}) is outside the certified period")
        if service.date != day_of(service.check_in):
            reasons.append(f"session {service.uid} is dated {service.date}, its check-in is not")
    return reasons


def _on_chain(w3: Web3, manifest: Manifest, certificate: Certificate) -> list[str]:
    """Each session read back from the ledger and its HoursAttested event, each activity's
    organisation from the registry, and the issuer's standing: one batch of reads."""
    ledger = manifest.contract(w3, "HourLedger")
    registry = manifest.contract(w3, "VolunteerRegistry").functions
    event = ledger.events.HoursAttested()
    topic = "0x" + event_abi_to_log_topic(event.abi).hex()
    services, issuer = certificate.services, certificate.issuer
    # web3 takes only checksummed addresses; a certificate may carry any spelling.
    volunteer, issuer_address = map(to_checksum_address, (certificate.volunteer.address, issuer.address))
    activities = sorted({service.activity_id for service in services})
    calls: list[Callable[[], Any]] = [
        contract_read(registry.isOrganisationManager, issuer.organisation_id, issuer_address)
    ]
    calls += [contract_read(registry.activity, a) for a in activities]
    head = w3.eth.block_number  # a block past the head has no logs: nodes refuse to be asked
    for s in services:
        calls.append(contract_read(ledger.functions.attestationOf, volunteer, s.activity_id, s.session))
        if s.block <= head:
            logs_filter: FilterParams = {
                "address": ledger.address,
                "fromBlock": s.block,
                "toBlock": s.block,
                "topics": [topic, s.uid],
            }
            calls.append(partial(w3.eth.get_logs, logs_filter))
    results = iter(batched(w3, calls))

    reasons = []
    if not next(results):
        reasons.append(f"{issuer.address} does not manage organisation {issuer.organisation_id} on "
                       "chain: it cannot certify the organisation's service")  # fmt: skip
    for activity_id in activities:
        organisation_id = next(results)[0]  # IVolunteerRegistry.Activity.organisationId
        if organisation_id != issuer.organisation_id:
            reasons.append(f"activity {activity_id} belongs to organisation {organisation_id}, "
                           f"not to the issuer {issuer.organisation_id}")  # fmt: skip
    for service in services:
        state = next(results)
        reasons += _session(service, state, next(results) if service.block <= head else [], event)
    return reasons


def _session(service: ServiceRecord, state: list[Any], logs: list[Any], event: Any) -> list[str]:
    name = f"session {service.uid} (activity {service.activity_id}, session {service.session})"
    _, status, minutes = state
    if status == REVOKED:
        return [f"{name} was revoked on chain"]
    if status != ACCEPTED:
        return [f"{name} is not on chain"]
    reasons = []
    if minutes != service.minutes:
        reasons.append(f"{name}: the certificate says {service.minutes} minutes, the chain has {minutes}")
    # The node's topic filter is not trusted: EthereumJS 0.10 matches only the first topic.
    logs = [log for log in logs if len(log["topics"]) > 1 and bytes(log["topics"][1]) == bytes.fromhex(service.uid[2:])]
    if not logs:
        reasons.append(f"{name}: no HoursAttested event in block {service.block}")
        return reasons
    args = event.process_log(logs[0])["args"]
    stated, attested = (service.check_in, service.check_out), (args["checkIn"], args["checkOut"])
    if stated != attested:
        reasons.append(f"{name}: the certificate says check-in and check-out {stated}, its "
                       f"HoursAttested event says {attested}")  # fmt: skip
    return reasons
