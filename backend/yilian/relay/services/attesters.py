"""Organisations' attesters ("谁组织谁记录"): the key the relay holds for each organisation it
creates, and external signers an organisation registers to sign elsewhere. Both are registered
on chain (registry.addOrganisationAttester) before they are recorded here."""

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from web3 import Web3

from yilian.relay.db.models import Organisation, OrganisationAttester
from yilian.relay.db.session import transaction
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.chain_calls import send_and_wait
from yilian.relay.services.custody import new_custodial_key
from yilian.relay.services.errors import Conflict, NotFound, Unprocessable
from yilian.relay.services.transactions import Submitter


def create_relay_attester(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, *, organisation_id: int,
    custody_password: str, timeout_s: float,
) -> OrganisationAttester:  # fmt: skip
    """A new key for the organisation, held encrypted by the relay, made its attester on chain."""
    keystore, address = new_custodial_key(custody_password)
    return _register(sessions, chain, submitter, organisation_id, address, keystore, timeout_s)


def add_relay_attester(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, *, organisation_id: int,
    custody_password: str, timeout_s: float,
) -> OrganisationAttester:  # fmt: skip
    """The relay's key for an organisation that has none (one created before keys were per
    organisation, or created on chain by someone else and managed by the relay)."""
    with sessions() as db:
        if any(attester.custodial_keystore for attester in list_attesters(db, organisation_id)):
            raise Conflict(f"the relay already holds a key of organisation {organisation_id}", code="attester_exists")
    return create_relay_attester(
        sessions, chain, submitter, organisation_id=organisation_id, custody_password=custody_password,
        timeout_s=timeout_s,
    )  # fmt: skip


def add_external_attester(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, *, organisation_id: int,
    address: str, timeout_s: float,
) -> OrganisationAttester:  # fmt: skip
    """Makes an address the organisation holds itself one of its attesters on chain."""
    if not Web3.is_address(address) or int(address, 16) == 0:
        raise Unprocessable(f"{address!r} is not an Ethereum address", code="invalid_address")
    address = Web3.to_checksum_address(address)
    with sessions() as db:
        if db.get(Organisation, organisation_id) is None:
            raise NotFound(f"no organisation {organisation_id}", code="organisation_not_found")
        if _find(db, organisation_id, address) is not None:
            raise Conflict(f"{address} already attests for organisation {organisation_id}", code="attester_exists")
    return _register(sessions, chain, submitter, organisation_id, address, None, timeout_s)


def list_attesters(db: Session, organisation_id: int) -> list[OrganisationAttester]:
    if db.get(Organisation, organisation_id) is None:
        raise NotFound(f"no organisation {organisation_id}", code="organisation_not_found")
    query = select(OrganisationAttester).where(OrganisationAttester.organisation_id == organisation_id)
    return list(db.scalars(query.order_by(OrganisationAttester.id)))


def _register(
    sessions: sessionmaker[Session], chain: RelayChain, submitter: Submitter, organisation_id: int,
    address: str, keystore: str | None, timeout_s: float,
) -> OrganisationAttester:  # fmt: skip
    call = chain.registry.functions.addOrganisationAttester(organisation_id, address)
    send_and_wait(sessions, submitter, "add_organisation_attester", call, timeout_s)
    with transaction(sessions) as db:
        attester = OrganisationAttester(organisation_id=organisation_id, address=address, custodial_keystore=keystore)
        db.add(attester)
    return attester


def _find(db: Session, organisation_id: int, address: str) -> OrganisationAttester | None:
    return db.scalar(
        select(OrganisationAttester).where(
            OrganisationAttester.organisation_id == organisation_id, OrganisationAttester.address == address
        )
    )
