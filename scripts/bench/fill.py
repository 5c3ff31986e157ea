"""Filling the outbox through the relay's service layer, in this process and untimed, so that it
holds signed attestations before the worker's drain is timed: volunteers registered by the
relay's `register_volunteer` (on chain too), sessions closed by its `close_session`.

No HTTP and no check-in rules: the API's rate is section 1, and would otherwise be what a burst
measures. Sessions start three minutes back instead of waiting for them.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass

from eth_utils import to_checksum_address
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from web3.types import RPCEndpoint

from yilian.records.evidence import canonical
from yilian.relay.config import Settings
from yilian.relay.db.models import Activity, ChainTx, CheckIn, Volunteer
from yilian.relay.db.session import transaction
from yilian.relay.services import activities, checkins, volunteers
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.closing import close_session
from yilian.relay.services.tracking import track
from yilian.relay.services.transactions import Prepared, Submitter

from .seed import LOCATION, VENUE

SERVED_S = 180  # the sessions' length: check-in dated this much before the check-out
CHUNK = 500  # volunteers per database transaction


class _ChunkSubmitter(Submitter):
    """Asks the node for fees and the mined nonce once per chunk of registrations, not once per
    registration (the nonce cursor in the database allocates the nonces either way)."""

    prepared: Prepared | None = None

    def prepare(self) -> Prepared:
        self.prepared = self.prepared or super().prepare()
        return self.prepared


@dataclass
class Filled:
    volunteers: list[str]  # addresses, in order
    activities: list[int]
    cutoff: float  # every attestation of the fill was created after it


def open_activities(
    sessions: sessionmaker[Session], chain: RelayChain, settings: Settings, n: int, *, timeout_s: float = 120
) -> list[int]:
    """One organisation (its attester key held by the relay) and `n` activities open for hours."""
    submitter = Submitter(chain.w3, chain.submitter, settings)
    organisation = activities.create_organisation(
        sessions, chain, submitter, name=f"{prefix()} 西湖区青年志愿者协会", custody_password=settings.custody_password,
        timeout_s=timeout_s,
    )  # fmt: skip
    now = int(time.time())
    return [
        activities.create_activity(sessions, chain, submitter, activities.ActivityTerms(
            organisation_id=organisation.id, name=f"湿地清洁 {i}", category=1, starts_at=now - 3600,
            ends_at=now + 8 * 3600, latitude=VENUE["latitude"], longitude=VENUE["longitude"], radius_m=200,
            minute_cap=600, points_per_hour=10,
        ), timeout_s).id
        for i in range(n)
    ]  # fmt: skip


def register(
    sessions: sessionmaker[Session], chain: RelayChain, settings: Settings, n: int, *, prefix: str,
    timeout_s: float = 900,
) -> list[tuple[str, str]]:  # fmt: skip
    """`n` volunteers registered with their own addresses; returns (app_user_id, address) once
    every registration transaction is confirmed (this process follows them)."""
    submitter = _ChunkSubmitter(chain.w3, chain.submitter, settings)
    people = [(f"{prefix}-{i}", to_checksum_address(os.urandom(20))) for i in range(n)]
    for start in range(0, n, CHUNK):
        submitter.prepared = None
        with transaction(sessions) as db:
            sent = [
                volunteers.register_volunteer(
                    db, chain, submitter, app_user_id=user, address=address,
                    identity=volunteers.Identity("张三", f"{int.from_bytes(os.urandom(8), 'big') % 10**18:018d}"),
                    pepper=settings.pepper, custody_password=settings.custody_password,
                )[1]
                for user, address in people[start : start + CHUNK]
            ]  # fmt: skip
        # JSON-RPC batches (ganache mines each before answering: small ones, within the timeout);
        # the node's answers are checked by following the transactions below.
        for first in range(0, len(sent), 25):
            chain.w3.provider.make_batch_request(
                [(RPCEndpoint("eth_sendRawTransaction"), [tx.raw_tx]) for tx in sent[first : first + 25]]
            )
        # Anvil slows down sharply with thousands of transactions in its pool: one chunk at a time.
        _wait_mined(chain, sent[-1].account, sent[-1].nonce, deadline=time.monotonic() + timeout_s)
    deadline = time.monotonic() + timeout_s
    while track(sessions, chain, submitter, settings):
        if time.monotonic() > deadline:
            raise TimeoutError("registrations still open")
        time.sleep(0.2)
    with sessions() as db:
        bad = db.scalars(select(ChainTx.status).where(ChainTx.status.in_(("failed", "dropped")))).all()
    if bad:
        raise RuntimeError(f"{len(bad)} registrations failed or were dropped")
    return people


def _wait_mined(chain: RelayChain, account: str, nonce: int, *, deadline: float) -> None:
    while chain.w3.eth.get_transaction_count(account, "latest") <= nonce:  # type: ignore[arg-type]
        if time.monotonic() > deadline:
            raise TimeoutError(f"registrations up to nonce {nonce} still unmined")
        time.sleep(0.1)


def serve_once(
    sessions: sessionmaker[Session], chain: RelayChain, people: list[tuple[str, str]], activities: list[int]
) -> Filled:
    """Volunteer i is on site at activity i mod A for `SERVED_S`: an open session recorded as the
    check-in service records one (its rules — face, venue code, geofence — are the API's work,
    section 1), then closed by the relay's own `close_session`, which counts the minutes and
    writes and signs the attestation: one in the outbox each."""
    cutoff = time.time()
    out_at = int(cutoff) + 1
    in_at = out_at - SERVED_S
    for start in range(0, len(people), CHUNK):
        with transaction(sessions) as db:
            found = {v.address: v for v in db.scalars(
                select(Volunteer).where(Volunteer.address.in_([a for _, a in people[start : start + CHUNK]]))
            )}  # fmt: skip
            for i, (_user, address) in enumerate(people[start : start + CHUNK], start):
                volunteer, activity = found[address], db.get_one(Activity, activities[i % len(activities)])
                visit = CheckIn(
                    id=str(uuid.uuid4()), volunteer_id=volunteer.id, activity_id=activity.id,
                    session=checkins.next_session(db, volunteer, activity), checked_in_at=in_at,
                    check_in_received_at=in_at, last_presence_at=in_at, face_nonce="0x" + os.urandom(32).hex(),
                    evidence=canonical({"check_in": {"at": in_at, "received_at": in_at, **LOCATION}}), status="open",
                )  # fmt: skip
                db.add(visit)
                db.flush()
                close_session(db, chain, visit, activity, ends_at=out_at, received_at=out_at, closed_by="check_out",
                              evidence={"client_time": None, **LOCATION})  # fmt: skip
    return Filled([address for _, address in people], activities, cutoff)


def prefix() -> str:
    return f"fill-{uuid.uuid4().hex[:6]}"
