"""The relay's copy of the certificates it issued, found by the number and hash a QR code carries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yilian.certificates.model import SignedCertificate
from yilian.relay.db.models import IssuedCertificate


def keep(db: Session, signed: SignedCertificate) -> None:
    cert = signed.certificate
    db.add(IssuedCertificate(
        hash=signed.hash.lower(), number=cert.number, organisation_id=cert.issuer.organisation_id,
        volunteer_address=cert.volunteer.address, issued_at=cert.issued_at, document=signed.model_dump_json(),
    ))  # fmt: skip


def find(db: Session, number: str, digest: str) -> SignedCertificate | None:
    """The certificate issued under `number` with hash `digest`, as stored now."""
    row = db.get(IssuedCertificate, digest.lower())
    if row is None or row.number != number:
        return None
    return SignedCertificate.model_validate_json(row.document)


def number_issued(db: Session, number: str) -> bool:
    return db.scalar(select(IssuedCertificate.hash).where(IssuedCertificate.number == number).limit(1)) is not None
