"""Applying an approved correction: the replaced session is revoked on chain (HourLedger.revoke,
sent from the relay's auditor key), then the corrected session is issued like any check-out: a
check-in record with the next session number, an attestation signed into the outbox, which the
worker submits. Each step can be repeated after a failure: a session already revoked is not
revoked again, and only one caller moves the correction from `approved` to `applied`."""

import uuid
from typing import Any, cast

from eth_account import Account
from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session, sessionmaker
from web3.exceptions import ContractLogicError

from yilian.chain.protocol import AttestationStatus
from yilian.chain.transactions import Sender, TransactionFailed
from yilian.records.evidence import canonical
from yilian.relay.config import Settings
from yilian.relay.corrections.models import Correction
from yilian.relay.corrections.service import corrected_minutes, get_correction, replaced_attestation
from yilian.relay.db.models import Attestation, CheckIn
from yilian.relay.db.session import transaction
from yilian.relay.services.activities import get_activity
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.checkins import next_session
from yilian.relay.services.closing import queue_attestation
from yilian.relay.services.errors import Conflict, Unavailable


class RelayNotAuditor(Unavailable):
    """No auditor key configured, or it lacks AUDITOR_ROLE: an operator's fix."""

    code = "relay_not_auditor"


def apply_correction(
    *, sessions: sessionmaker[Session], chain: RelayChain, settings: Settings, correction_id: int
) -> Correction:
    with sessions() as db:
        correction = _approved(db, correction_id)
        visit = db.get(CheckIn, correction.check_in_id) if correction.check_in_id else None
        replaced = replaced_attestation(db, visit)
        # Refusals come before the chain is touched: a revocation is not undone.
        activity = get_activity(db, correction.activity_id)
        next_session(db, correction.volunteer, activity)
        corrected_minutes(db, correction.volunteer, activity, correction)
    if replaced is not None:
        revoke_on_chain(chain, settings, replaced, reason=f"correction {correction_id}")
    with transaction(sessions) as db:
        return _issue(db, chain, correction_id, replaced)


def revoke_on_chain(chain: RelayChain, settings: Settings, attestation: Attestation, *, reason: str) -> None:
    """The reason goes on chain for everyone to read: it names the correction, never the person."""
    ledger = chain.ledger.functions
    where = (attestation.volunteer_address, attestation.activity_id, attestation.session)
    if ledger.attestationOf(*where).call()[1] == AttestationStatus.REVOKED:
        return
    if settings.auditor is None:
        raise RelayNotAuditor("the relay has no auditor key (YILIAN_AUDITOR_KEY) to revoke the replaced session")
    auditor = Account.from_key(settings.auditor)
    if not ledger.hasRole(ledger.AUDITOR_ROLE().call(), auditor.address).call():
        raise RelayNotAuditor(f"the relay's auditor key {auditor.address} lacks AUDITOR_ROLE on the HourLedger")
    try:
        Sender(chain.w3, settings.auditor, receipt_timeout=settings.receipt_timeout_s).transact(
            ledger.revoke(*where, reason)
        )
    except (ContractLogicError, TransactionFailed) as error:
        raise Conflict(f"the ledger refused the revocation: {error}", code="revocation_refused") from None


def _issue(db: Session, chain: RelayChain, correction_id: int, replaced: Attestation | None) -> Correction:
    taken = db.execute(
        update(Correction)
        .where(Correction.id == correction_id, Correction.status == "approved")
        .values(status="applied")
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], taken).rowcount != 1:
        raise Conflict(f"correction {correction_id} was applied meanwhile", code="correction_not_approved")
    correction = db.get_one(Correction, correction_id, populate_existing=True)  # the row just updated
    volunteer, activity = correction.volunteer, get_activity(db, correction.activity_id)
    minutes = corrected_minutes(db, volunteer, activity, correction)  # the cap may have moved since filing
    visit = _corrected_visit(db, correction, next_session(db, volunteer, activity), replaced)
    attestation = queue_attestation(db, chain, visit, volunteer, activity, minutes)
    correction.new_minutes, correction.new_uid = minutes, attestation.uid
    correction.revoked_uid = replaced.uid if replaced else None
    return correction


def _corrected_visit(db: Session, correction: Correction, session: int, replaced: Attestation | None) -> CheckIn:
    """The corrected session's record; its evidence bundle names the correction and what it replaces."""
    bundle = {"correction": {
        "id": correction.id, "replaces": replaced.uid if replaced else None, "reason": correction.reason,
        "evidence": correction.evidence, "check_in": correction.check_in, "check_out": correction.check_out,
    }}  # fmt: skip
    # The relay observed no visit: its record is the decision, received when it was made.
    decided_at = correction.decided_at or correction.created_at
    visit = CheckIn(
        id=str(uuid.uuid4()), volunteer_id=correction.volunteer_id, activity_id=correction.activity_id,
        session=session, checked_in_at=correction.check_in, checked_out_at=correction.check_out,
        check_in_received_at=decided_at, check_out_received_at=decided_at, last_presence_at=correction.check_out,
        closed_by="correction", face_nonce=f"correction-{correction.id}", status="closed", evidence=canonical(bundle),
    )  # fmt: skip
    db.add(visit)
    db.flush()
    return visit


def _approved(db: Session, correction_id: int) -> Correction:
    correction = get_correction(db, correction_id)
    if correction.status != "approved":
        raise Conflict(f"correction {correction_id} is {correction.status}", code="correction_not_approved")
    return correction
