"""The relay's copy of the certificates it issued, found by the number and hash a QR code carries.

Read and written through the few columns named here, not through the relay's code (as the audit
reads the relay; tests/backend/test_layers.py holds them to the relay's `certificates` table).
"""

from __future__ import annotations

from sqlalchemy import column, insert, select, table
from sqlalchemy.orm import Session

from yilian.certificates.model import SignedCertificate

CERTIFICATES = table(
    "certificates",
    *map(column, ("hash", "number", "organisation_id", "volunteer_address", "issued_at", "document")),
)


def keep(db: Session, signed: SignedCertificate) -> None:
    cert = signed.certificate
    db.execute(insert(CERTIFICATES).values(
        hash=signed.hash.lower(), number=cert.number, organisation_id=cert.issuer.organisation_id,
        volunteer_address=cert.volunteer.address, issued_at=cert.issued_at, document=signed.model_dump_json(),
    ))  # fmt: skip


def find(db: Session, number: str, digest: str) -> SignedCertificate | None:
    """The certificate issued under `number` with hash `digest`, as stored now."""
    query = select(CERTIFICATES.c.number, CERTIFICATES.c.document).where(CERTIFICATES.c.hash == digest.lower())
    row = db.execute(query).first()
    if row is None or row.number != number:
        return None
    return SignedCertificate.model_validate_json(row.document)


def number_issued(db: Session, number: str) -> bool:
    query = select(CERTIFICATES.c.hash).where(CERTIFICATES.c.number == number).limit(1)
    return db.scalar(query) is not None
