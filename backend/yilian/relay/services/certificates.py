"""Volunteer service certificates for the relay's volunteers: the organisation's confirmed
sessions as the relay recorded them, certified by `yilian.certificates` after the chain
confirms each one still stands."""

from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session
from web3 import Web3

from yilian.certificates.issue import certify, standing_on_chain
from yilian.certificates.model import ServiceRecord, SignedCertificate, VolunteerIdentity
from yilian.chain.manifest import Manifest
from yilian.relay.db.models import Activity, Attestation, Organisation
from yilian.relay.services.errors import NotFound, Unprocessable
from yilian.relay.services.volunteers import get_volunteer
from yilian.stats.period import Period, day_of


def issue_certificate(
    db: Session,
    w3: Web3,
    manifest: Manifest,
    *,
    app_user_id: str,
    organisation_id: int,
    period: Period,
    issuer_key: str,
    now: int,
) -> SignedCertificate:
    volunteer = get_volunteer(db, app_user_id)
    organisation = db.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"no organisation {organisation_id}", code="organisation_not_found")
    recorded = _confirmed_services(db, volunteer.address, organisation_id, period)
    services = standing_on_chain(w3, manifest, volunteer.address, recorded)
    if not services:
        raise Unprocessable(
            f"{app_user_id!r} has no confirmed service in organisation {organisation_id}'s "
            f"activities from {period.first} to {period.last}",
            code="no_service_in_period",
        )
    identity = VolunteerIdentity(
        real_name=volunteer.real_name, id_number_masked=volunteer.id_number_masked, address=volunteer.address
    )
    return certify(
        manifest, organisation_id=organisation_id, organisation_name=organisation.name, volunteer=identity,
        services=services, period=period, issuer_key=issuer_key, now=now,
    )  # fmt: skip


def _confirmed_services(db: Session, volunteer: str, organisation_id: int, period: Period) -> list[ServiceRecord]:
    rows = db.execute(
        select(Attestation, Activity.name)
        .join(Activity, Activity.id == Attestation.activity_id)
        .where(
            Attestation.volunteer_address == volunteer,
            Attestation.status == "confirmed",
            Activity.organisation_id == organisation_id,
            Attestation.check_in >= period.start,
            Attestation.check_in < period.end,
        )
        .order_by(Attestation.check_in)
    ).all()
    return [
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
