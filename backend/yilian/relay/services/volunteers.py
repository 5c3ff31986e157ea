"""Volunteer registration and status. The identity fields are normalised and hashed with the
relay's pepper (HMAC), so one real-name identity has one hash and registers once; the chain gets
only the hash, the relay keeps the name and a masked ID number, never the full number."""

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from yilian.chain.addresses import checked_address
from yilian.relay.db.models import ChainTx, Volunteer
from yilian.relay.services import identifiers
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.chain_calls import record_call
from yilian.relay.services.custody import new_custodial_key
from yilian.relay.services.errors import Conflict, NotFound
from yilian.relay.services.transactions import Submitter


@dataclass(frozen=True)
class Identity:
    real_name: str
    id_number: str

    def normalised(self) -> "Identity":
        """NFKC name and upper-case ID number; hidden characters refused (422)."""
        return Identity(identifiers.real_name(self.real_name), identifiers.id_number(self.id_number))


def identity_hash(pepper: bytes, identity: Identity) -> bytes:
    """HMAC-SHA256(pepper, name ‖ 0x00 ‖ ID number) of the normalised identity: a bytes32,
    the same for the same person every time, meaningless without the relay's pepper."""
    identity = identity.normalised()
    message = identity.real_name.encode() + b"\x00" + identity.id_number.encode()
    return hmac.new(pepper, message, hashlib.sha256).digest()


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
    pepper: bytes,
    custody_password: str,
) -> tuple[Volunteer, ChainTx]:
    app_user_id, identity = identifiers.app_user_id(app_user_id), identity.normalised()
    if session.scalar(select(Volunteer).where(Volunteer.app_user_id == app_user_id)):
        raise Conflict(f"volunteer {app_user_id!r} is already registered", code="volunteer_exists")
    hashed = identity_hash(pepper, identity)
    if session.scalar(select(Volunteer.id).where(Volunteer.identity_hash == "0x" + hashed.hex())):
        raise Conflict("this real-name identity is already registered", code="identity_already_registered")
    keystore, address = _wallet(address, custody_password)
    if session.scalar(select(Volunteer).where(Volunteer.address == address)):
        raise Conflict(f"address {address} belongs to another volunteer", code="address_taken")
    volunteer = Volunteer(
        app_user_id=app_user_id,
        address=address,
        custodial_keystore=keystore,
        real_name=identity.real_name,
        id_number_masked=mask_id_number(identity.id_number),
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
    app_user_id = identifiers.app_user_id(app_user_id)
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
