"""Reading the outbox: where an hour record is on its way to the chain."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from yilian.relay.db.models import ApiKey, Attestation
from yilian.relay.services.access import visible_activity_ids
from yilian.relay.services.errors import NotFound
from yilian.relay.services.volunteers import get_volunteer


def get_attestation(db: Session, uid: str) -> Attestation:
    attestation = db.get(Attestation, uid.lower())
    if attestation is None:
        raise NotFound(f"no attestation {uid}", code="attestation_not_found")
    return attestation


def volunteer_attestations(
    db: Session, app_user_id: str, *, key: ApiKey, after: list[Any] | None = None, limit: int | None = None
) -> Sequence[Attestation]:
    """The volunteer's attestations, oldest check-in first, after the (check_in, uid) `after`;
    for an organiser key, those of its organisation's activities only."""
    volunteer = get_volunteer(db, app_user_id)
    query = select(Attestation).where(Attestation.volunteer_address == volunteer.address)
    if (visible := visible_activity_ids(db, key)) is not None:
        query = query.where(Attestation.activity_id.in_(visible))
    if after is not None:
        query = query.where(tuple_(Attestation.check_in, Attestation.uid) > tuple(after))
    return db.scalars(query.order_by(Attestation.check_in, Attestation.uid).limit(limit)).all()
