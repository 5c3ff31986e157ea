"""Volunteer registration and status. The identity fields are hashed with a fresh salt; the chain
gets only the hash, the relay keeps the name and a masked ID number, never the full number."""

import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from yilian.chain.addresses import checked_address
from yilian.chain.eip712 import keccak256
from yilian.relay.db.models import ChainTx, Volunteer
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.chain_calls import record_call
from yilian.relay.services.custody import new_custodial_key
from yilian.relay.services.errors import Conflict, NotFound
from yilian.relay.services.transactions import Submitter


@dataclass(frozen=True)
class Identity:
    real_name: str
    id_number: str


def identity_hash(salt: bytes, identity: Identity) -> bytes:
    """keccak256(salt ‖ name ‖ 0x00 ‖ ID number, upper-cased): reproducible by the volunteer."""
    return keccak256(salt + identity.real_name.encode() + b"\x00" + identity.id_number.upper().encode())


def mask_id_number(id_number: str) -> str:
    keep_head, keep_tail = (3, 4) if len(id_number) > 8 else (1, 1)
    hidden = len(id_number) - keep_head - keep_tail
    return id_number[:keep_head] + "*" * max(hidden, 0) + id_number[-keep_tail:]


def register_volunteer(
    session: Session,
    chain: RelayChain,
    submitter: Submitter,
    *,
    app_user_id: str,
    address: str | None,
    identity: Identity,
    custody_password: str,
) -> tuple[Volunteer, ChainTx]:
    if session.scalar(select(Volunteer).where(Volunteer.app_user_id == app_user_id)):
        raise Conflict(f"volunteer {app_user_id!r} is already registered", code="volunteer_exists")
    keystore, address = _wallet(address, custody_password)
    if session.scalar(select(Volunteer).where(Volunteer.address == address)):
        raise Conflict(f"address {address} belongs to another volunteer", code="address_taken")
    salt = os.urandom(32)
    hashed = identity_hash(salt, identity)
    volunteer = Volunteer(
        app_user_id=app_user_id,
        address=address,
        custodial_keystore=keystore,
        real_name=identity.real_name,
        id_number_masked=mask_id_number(identity.id_number),
        identity_salt="0x" + salt.hex(),
        identity_hash="0x" + hashed.hex(),
        status="active",
    )
    session.add(volunteer)
    session.flush()
    call = chain.registry.functions.registerVolunteer(address, hashed)
    return volunteer, record_call(session, submitter, "register_volunteer", call)


def suspend_volunteer(
    session: Session, chain: RelayChain, submitter: Submitter, *, app_user_id: str, reason: str
) -> tuple[Volunteer, ChainTx]:
    volunteer = get_volunteer(session, app_user_id)
    if volunteer.status != "active":
        raise Conflict(f"volunteer {app_user_id!r} is not active", code="volunteer_not_active")
    volunteer.status = "suspended"
    call = chain.registry.functions.suspendVolunteer(volunteer.address, reason)
    return volunteer, record_call(session, submitter, "suspend_volunteer", call)


def get_volunteer(session: Session, app_user_id: str) -> Volunteer:
    volunteer = session.scalar(select(Volunteer).where(Volunteer.app_user_id == app_user_id))
    if volunteer is None:
        raise NotFound(f"no volunteer {app_user_id!r}", code="volunteer_not_found")
    return volunteer


def _wallet(address: str | None, custody_password: str) -> tuple[str | None, str]:
    """The volunteer's own address, or a new custodial key kept encrypted by the relay."""
    if address is not None:
        return None, checked_address(address)
    return new_custodial_key(custody_password)


def chain_totals(chain: RelayChain, volunteer: Volunteer) -> tuple[int, int]:
    """Minutes served and 益币 balance (base units), as the chain has them now."""
    minutes = chain.ledger.functions.minutesServed(volunteer.address).call()
    return minutes, chain.yicoin.functions.balanceOf(volunteer.address).call()
