"""API keys: random secrets shown once, stored as SHA-256 digests, each with one role; an
organiser key also belongs to exactly one organisation and acts for it alone."""

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from yilian.relay.db.models import ApiKey, Organisation

ROLES = ("app", "organiser", "auditor", "admin")


def create_api_key(db: Session, *, name: str, role: str, organisation_id: int | None = None) -> tuple[ApiKey, str]:
    """Returns the stored key and its secret, which is not kept anywhere. Raises ValueError for
    an unknown role, an organiser key without an organisation the relay knows, or an
    organisation given for another role."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if (role == "organiser") != (organisation_id is not None):
        raise ValueError("an organiser key needs --organisation, and only an organiser key takes one")
    if organisation_id is not None and db.get(Organisation, organisation_id) is None:
        raise ValueError(f"the relay knows no organisation {organisation_id}")
    prefix = secrets.token_hex(6)
    secret = f"yl_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(name=name, role=role, prefix=prefix, secret_hash=_digest(secret), organisation_id=organisation_id)
    db.add(key)
    db.flush()
    return key, secret


def find_api_key(db: Session, presented: str) -> ApiKey | None:
    parts = presented.split("_")
    if len(parts) < 3 or parts[0] != "yl":
        return None
    key = db.scalar(select(ApiKey).where(ApiKey.prefix == parts[1], ApiKey.revoked_at.is_(None)))
    if key is None or not hmac.compare_digest(key.secret_hash, _digest(presented)):
        return None
    return key


def _digest(secret: str) -> str:
    # The secrets are 256-bit random: a fast hash is enough, no password stretching needed.
    return hashlib.sha256(secret.encode()).hexdigest()
