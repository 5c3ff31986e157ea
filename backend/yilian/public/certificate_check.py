"""What the certificate's public page says: the stored certificate verified against the chain
as it stands now, reduced to what the paper itself shows (masked name and ID, no addresses),
with the reasons in Chinese and any later revocation with its block, time and reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from eth_utils import event_abi_to_log_topic
from sqlalchemy.orm import Session
from web3 import Web3

from yilian.certificates.model import SignedCertificate, certificate_hash, hours_text
from yilian.certificates.store import find, number_issued
from yilian.certificates.verify import verify_certificate
from yilian.chain.manifest import Manifest
from yilian.errors import NotFound
from yilian.stats.period import moment

HASH_MISMATCH = "二维码中的证明哈希与本平台以该编号出具的证明不符：所持证明可能被改动或伪造，请向出具单位核实。"
CHANGED = "证明内容与出具时的哈希不符：证明在出具后被改动。"
DISAGREES = "证明与链上记录或出具单位的签名不符（详见核验细节）。"


@dataclass(frozen=True)
class Revocation:
    block: int
    time: str  # China time
    reason: str


@dataclass(frozen=True)
class SessionLine:
    date: str
    activity: str
    hours: str
    revocation: Revocation | None = None


@dataclass(frozen=True)
class PublicVerdict:
    number: str
    valid: bool
    checked_at_block: int
    reasons: list[str]  # in Chinese, for people
    details: list[str] = field(default_factory=list)  # the verifier's own words, for experts
    issuer: str | None = None
    volunteer: str | None = None  # masked
    id_number: str | None = None  # masked, as on the certificate
    period: str | None = None
    issued_on: str | None = None
    total_sessions: int | None = None
    total_hours: str | None = None
    sessions: list[SessionLine] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def masked_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧**娜: enough to match the paper, not to find the person."""
    if len(name) <= 2:
        return name[:1] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]


def check_certificate(db: Session, w3: Web3, manifest: Manifest, number: str, presented_hash: str) -> PublicVerdict:
    signed = find(db, number, presented_hash)
    head = w3.eth.block_number
    if signed is None:
        if not number_issued(db, number):
            raise NotFound(f"no certificate numbered {number} was issued here", code="certificate_not_found")
        # Nothing of the stored certificate is shown: the holder did not present it.
        return PublicVerdict(number=number, valid=False, checked_at_block=head, reasons=[HASH_MISMATCH])
    result = verify_certificate(w3, manifest, signed)
    lines = _session_lines(w3, manifest, signed)
    reasons = _reasons(signed, presented_hash, lines) if not result.valid else []
    cert = signed.certificate
    return PublicVerdict(
        number=number, valid=result.valid, checked_at_block=head, reasons=reasons, details=result.reasons,
        issuer=cert.issuer.organisation_name, volunteer=masked_name(cert.volunteer.real_name),
        id_number=cert.volunteer.id_number_masked, period=f"{cert.period_from} 至 {cert.period_to}",
        issued_on=cert.issued_on.isoformat(), total_sessions=cert.total_sessions,
        total_hours=cert.total_hours, sessions=lines,
    )  # fmt: skip


def _reasons(signed: SignedCertificate, issued_hash: str, lines: list[SessionLine]) -> list[str]:
    reasons = []
    content_hash = "0x" + certificate_hash(signed.certificate).hex()
    if content_hash != issued_hash.lower() or content_hash != signed.hash.lower():
        reasons.append(CHANGED)
    for index, line in enumerate(lines, 1):
        if line.revocation is not None:
            revoked = line.revocation
            reasons.append(f"第 {index} 条服务记录（{line.date} {line.activity}）已于 {revoked.time}"
                           f"（区块 {revoked.block}）被审核撤销，原因：{revoked.reason}")  # fmt: skip
    return reasons or [DISAGREES]


def _session_lines(w3: Web3, manifest: Manifest, signed: SignedCertificate) -> list[SessionLine]:
    revocations = _revocations(w3, manifest, signed)
    return [
        SessionLine(s.date.isoformat(), s.activity_name, hours_text(s.minutes), revocations.get(s.uid))
        for s in signed.certificate.services
    ]


def _revocations(w3: Web3, manifest: Manifest, signed: SignedCertificate) -> dict[str, Revocation]:
    """HoursRevoked events of the certificate's sessions, from its first session's block on."""
    services = signed.certificate.services
    if not services:
        return {}
    ledger = manifest.contract(w3, "HourLedger")
    event = ledger.events.HoursRevoked()
    topic = "0x" + event_abi_to_log_topic(event.abi).hex()
    logs = w3.eth.get_logs({
        "address": ledger.address, "fromBlock": min(s.block for s in services), "toBlock": "latest",
        "topics": [topic, [s.uid for s in services]],
    })  # fmt: skip
    found = {}
    for log in logs:
        decoded = event.process_log(log)
        when = moment(w3.eth.get_block(log["blockNumber"])["timestamp"])
        found["0x" + decoded["args"]["uid"].hex()] = Revocation(log["blockNumber"], when, decoded["args"]["reason"])
    return found
