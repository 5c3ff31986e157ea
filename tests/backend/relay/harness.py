"""Machinery shared by the resilience and submission tests.

- `deployed_chain`: a ganache of the test's own (interval mining, kept on disk, another
  hardfork), contracts deployed: what a test module's `relay_chain` override yields;
- `RelayProcess`: `yilian relay serve` as a real process, to SIGKILL and start again;
- `RpcProxy`: between that process and the chain, it can hold broadcasts, so that a kill lands
  between recording a transaction and the node receiving it;
- `CheckInDriver`: volunteer apps on flaky networks, checking in and out over HTTP and retrying
  each request with its Idempotency-Key until it gets an answer (the stay on site is made by
  moving the relay's record of the check-in back, not by waiting);
- `Killed` and `batch_recorded_not_sent`: the crash window between committing a batch and
  broadcasting it, reproduced in process;
- the chain's own record (`attested`, `rejections`: event logs fetched with eth_getLogs) and
  `tally`, which holds it against what the apps were told and what the database says.
"""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from eth_account import Account
from eth_typing import HexStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import TransactionNotFound

from yilian.chain.localchain import LocalChain, free_port
from yilian.chain.protocol import MAX_SESSIONS, Rejection
from yilian.chain.transactions import as_hex
from yilian.relay.db.models import Attestation, ChainTx, CheckIn
from yilian.relay.db.session import transaction
from yilian.relay.services.outbox import submit_batch
from yilian.relay.services.transactions import Submitter
from yilian.relay.verification import FakeFaceProvider
from yilian.relay.worker import OutboxWorker

from .conftest import Relay, deploy_to
from .scenario import Scenario

YILIAN = Path(sys.executable).with_name("yilian")
OPEN_STATUSES = ("pending", "signed", "submitted")


# --- chains -------------------------------------------------------------------------------------


@contextmanager
def deployed_chain(folder: Path, **options: Any) -> Iterator[tuple[LocalChain, Path]]:
    """A ganache of the test's own (`options` as for `LocalChain`) with the contracts deployed."""
    with LocalChain(**options) as chain:
        yield chain, deploy_to(chain, folder / "manifest.json")


def rpc(w3: Web3, method: str) -> Any:
    response = w3.provider.make_request(method, [])  # type: ignore[arg-type]
    assert "error" not in response, response
    return response["result"]


@contextmanager
def mining_paused(w3: Web3) -> Iterator[None]:
    """ganache's miner_stop … miner_start: transactions wait in the pool, unmined."""
    rpc(w3, "miner_stop")
    try:
        yield
    finally:
        rpc(w3, "miner_start")


def wait_until(condition: Any, timeout_s: float, what: str, interval_s: float = 0.1) -> Any:
    """Polls `condition()` until it returns something truthy, and returns that."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(interval_s)
    raise TimeoutError(f"not within {timeout_s:.0f} s: {what}")


class RpcProxy:
    """Forwards JSON-RPC to `upstream`, except that while `hold_broadcasts()` is on,
    eth_sendRawTransaction calls wait; `drop_held()` then ends them unanswered and unsent. A
    relay killed in between died after recording its transaction and before the node had it."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.held = 0  # broadcasts waiting now
        self.dropped = 0
        self._holding = False
        self._generation = 0
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), _ProxyHandler)
        self._server.daemon_threads = True
        self._server.proxy = self  # type: ignore[attr-defined]
        self._client = httpx.Client(timeout=30)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def hold_broadcasts(self) -> None:
        with self._changed:
            self._holding = True

    def drop_held(self) -> None:
        with self._changed:
            self._holding = False
            self._generation += 1
            self._changed.notify_all()

    def withhold(self, body: bytes) -> bool:
        """Waits while `body` is a broadcast being held; True: it was dropped. A JSON-RPC batch
        (the relay's receipt lookups) is forwarded as it is: the relay broadcasts one at a time."""
        request = json.loads(body)
        if isinstance(request, list) or request.get("method") != "eth_sendRawTransaction":
            return False
        with self._changed:
            if not self._holding:
                return False
            generation = self._generation
            self.held += 1
            self._changed.wait_for(lambda: self._generation != generation)
            self.held -= 1
            self.dropped += 1
            return True

    def forward(self, body: bytes) -> httpx.Response:
        return self._client.post(self.upstream, content=body, headers={"Content-Type": "application/json"})

    def __enter__(self) -> "RpcProxy":
        threading.Thread(target=self._server.serve_forever, name="rpc-proxy", daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.drop_held()
        self._server.shutdown()
        self._server.server_close()
        self._client.close()


class _ProxyHandler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        proxy: RpcProxy = self.server.proxy  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if proxy.withhold(body):
            self.close_connection = True
            return
        answer = proxy.forward(body)
        self.send_response(answer.status_code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass


# --- the relay as a process ---------------------------------------------------------------------


class RelayProcess:
    """`yilian relay serve` (API and outbox worker) in a process of its own, configured through
    YILIAN_* variables like a deployment. `kill()` is a SIGKILL: no cleanup code runs."""

    def __init__(self, workdir: Path, relay: Relay, **settings: object) -> None:
        self.workdir = workdir
        self.port = free_port()
        settings = {
            "database_url": relay.settings.database_url,
            "rpc_url": relay.settings.rpc_url,
            "manifest_path": relay.settings.manifest_path,
            **settings,
        }
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("YILIAN_")}
        self.env = inherited | {f"YILIAN_{k.upper()}": str(v) for k, v in settings.items()}
        self.kills = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "relay.log"

    def start(self, timeout_s: float = 60) -> "RelayProcess":
        """Starts the process (in the work directory: no stray .env) and waits until it serves."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(
                [str(YILIAN), "relay", "serve", "--port", str(self.port)],
                cwd=self.workdir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._serving, timeout_s, f"the relay serving on {self.url}")
        return self

    def health(self) -> httpx.Response:
        return httpx.get(f"{self.url}/healthz", timeout=5)

    def kill(self) -> None:
        assert self._process is not None and self._process.poll() is None, self.log_tail()
        self._process.kill()
        self._process.wait()
        self.kills += 1

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_tail(self, size: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-size:] if self.log_path.exists() else ""

    def _serving(self) -> bool:
        if self._process is None or self._process.poll() is not None:
            raise RuntimeError(f"the relay exited while starting:\n{self.log_tail()}")
        try:
            self.health()  # any answer will do: during a chain outage it is a 503
        except httpx.TransportError:
            return False
        return True

    def __enter__(self) -> "RelayProcess":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# --- volunteer apps -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedOut:
    """A check-out the relay answered with an attestation: what the app was told."""

    uid: str
    volunteer: str
    minutes: int


class CheckInDriver:
    """Volunteer apps on flaky networks, one request at a time. Each round checks every volunteer
    in, lets them stay `session_s` (see `_stay`) and out at every activity, until the sessions
    run out or `stop()`. A request that meets a connection error or a 5xx is sent again with the
    same Idempotency-Key and body until the relay answers it."""

    def __init__(
        self,
        url: str,
        relay: Relay,
        scenario: Scenario,
        activities: Sequence[dict],
        volunteers: Sequence[dict],
        *,
        session_s: int = 240,
    ) -> None:
        self.client = httpx.Client(base_url=url, headers=relay.headers("app"), timeout=10)
        self.sessions = relay.sessions
        self.scenario = scenario
        self.slots = [(a, v) for _ in range(MAX_SESSIONS) for a in activities for v in volunteers]
        self.session_s = session_s
        self.checked_out: list[CheckedOut] = []
        self.failures: list[str] = []
        self.retries = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="check-in-driver", daemon=True)

    def start(self) -> "CheckInDriver":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Lets the current check-in/check-out pair get its answers, then stops."""
        self._stop.set()
        self._thread.join(60)
        self.client.close()
        assert not self._thread.is_alive(), "the driver did not get an answer within a minute"
        assert not self.failures, self.failures

    def wait_for(self, count: int, timeout_s: float = 60) -> None:
        def enough() -> bool:
            assert not self.failures, self.failures
            done = len(self.checked_out) >= count
            assert done or self._thread.is_alive(), f"every session used after {len(self.checked_out)}"
            return done

        wait_until(enough, timeout_s, f"{count} check-outs")

    def _run(self) -> None:
        try:
            for activity, volunteer in self.slots:
                if self._stop.is_set():
                    return
                self._serve(activity, volunteer)
        except Exception as error:  # noqa: BLE001 - reported by stop() and wait_for()
            self.failures.append(repr(error))

    def _serve(self, activity: dict, volunteer: dict) -> None:
        body = self.scenario.check_in_body(activity, volunteer, at=int(time.time()))
        visit = self._answer(f"/v1/activities/{activity['id']}/check-ins", body, 201)
        self._stay(visit["id"])
        body = self.scenario.check_out_body(volunteer, at=int(time.time()))
        attestation = self._answer(f"/v1/check-ins/{visit['id']}/check-out", body, 200)["attestation"]
        self.checked_out.append(CheckedOut(attestation["uid"], volunteer["address"], attestation["minutes"]))

    def _stay(self, check_in_id: str) -> None:
        """The volunteer stays `session_s`. Rather than wait, the test moves the relay's record of
        the check-in back by as much, as if the relay had accepted it then: service time is what
        the relay observed, and no device time can stretch it any more."""
        with transaction(self.sessions) as db:
            visit = db.get(CheckIn, check_in_id)
            visit.checked_in_at -= self.session_s
            visit.check_in_received_at -= self.session_s
            visit.last_presence_at -= self.session_s

    def _answer(self, path: str, body: dict, expected: int) -> dict:
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        while True:
            try:
                response = self.client.post(path, json=body, headers=headers)
                if response.status_code < 500:
                    break
            except httpx.TransportError:
                pass
            self.retries += 1
            time.sleep(0.1)
        assert response.status_code == expected, f"{path}: {response.text}"
        return response.json()


def queue_attestations(
    scenario: Scenario,
    activity: dict,
    volunteers: Sequence[dict],
    *,
    rounds: int = 1,
    minutes: int = 1,
) -> list[dict]:
    """Every volunteer serves `minutes` (by the relay's clock), `rounds` times, through the API:
    signed attestations waiting in the outbox. Returns them as the API answered."""
    return [
        scenario.serve(activity, volunteer, minutes * 60)["attestation"]
        for _ in range(rounds)
        for volunteer in volunteers
    ]


def queued_uids(relay: Relay, face: FakeFaceProvider, *, volunteers: int, rounds: int = 1) -> list[str]:
    """A new activity and new volunteers (with their own addresses), each serving `rounds`
    one-minute sessions: the uids of the signed attestations now waiting in the outbox."""
    scenario = Scenario(relay, face)
    activity = scenario.open_activity()
    people = [scenario.volunteer(address=Account.create().address) for _ in range(volunteers)]
    return [item["uid"] for item in queue_attestations(scenario, activity, people, rounds=rounds)]


# --- the outbox and the submitter's transactions ------------------------------------------------


def worker_of(relay: Relay, **settings: Any) -> OutboxWorker:
    """A worker on the relay's database and chain, with these settings changed."""
    return OutboxWorker(relay.sessions, relay.chain, relay.settings.model_copy(update=settings))


def statuses(sessions: sessionmaker[Session]) -> Counter[str]:
    with sessions() as session:
        rows = session.execute(select(Attestation.status, func.count()).group_by(Attestation.status))
        return Counter({status: count for status, count in rows})


def wait_until_drained(sessions: sessionmaker[Session], timeout_s: float) -> None:
    """Until no attestation is pending, signed or submitted (someone else runs the worker)."""
    wait_until(
        lambda: not any(statuses(sessions)[status] for status in OPEN_STATUSES),
        timeout_s,
        "the outbox drained",
        interval_s=0.25,
    )


def chain_txs(sessions: sessionmaker[Session], kind: str = "attest_batch") -> list[ChainTx]:
    with sessions() as session:
        return list(session.scalars(select(ChainTx).where(ChainTx.kind == kind).order_by(ChainTx.id)))


def attestation_rows(sessions: sessionmaker[Session], uids: Sequence[str]) -> dict[str, Attestation]:
    with sessions() as session:
        rows = session.scalars(select(Attestation).where(Attestation.uid.in_(uids)))
        return {row.uid: row for row in rows}


def node_knows(w3: Web3, tx_hash: str) -> bool:
    """Whether the node has the transaction, in its pool or in a block."""
    try:
        w3.eth.get_transaction(HexStr(tx_hash))
    except TransactionNotFound:
        return False
    return True


def crash_site(relay: Relay) -> str:
    """Where a relay killed just now left its transactions, judged from the database and the
    node: a batch recorded but never broadcast, batches waiting for receipts, or none open."""
    with relay.sessions() as session:
        open_txs = session.scalars(select(ChainTx).where(ChainTx.status.in_(("sent", "mined"))))
        known = [node_knows(relay.chain.w3, row.tx_hash) for row in open_txs]
    if not all(known):
        return "between recording and broadcasting"
    return "awaiting receipts" if known else "no transaction open"


class Killed(BaseException):
    """The relay process dies at this point (SIGKILL): nothing after it runs, nothing catches it."""


class _DyingSubmitter(Submitter):
    def broadcast(self, row: ChainTx) -> None:
        raise Killed


def batch_recorded_not_sent(relay: Relay) -> ChainTx:
    """What a relay killed between committing a batch and broadcasting it leaves behind: the
    real `submit_batch`, whose broadcast never happens."""
    submitter = _DyingSubmitter(relay.chain.w3, relay.chain.submitter, relay.settings)
    try:
        submit_batch(relay.sessions, relay.chain, submitter, relay.settings)
    except Killed:
        return chain_txs(relay.sessions)[-1]
    raise AssertionError("there was no batch to submit")


# --- the chain's record -------------------------------------------------------------------------


def attested(ledger: Contract, since_block: int = 0) -> Counter[str]:
    """How often each uid was attested on chain: HoursAttested logs, fetched with eth_getLogs."""
    logs = ledger.events.HoursAttested().get_logs(from_block=since_block)
    return Counter(as_hex(log.args.uid) for log in logs)


def attesting_tx(ledger: Contract, since_block: int = 0) -> dict[str, str]:
    """uid → the transaction whose HoursAttested log carries it."""
    logs = ledger.events.HoursAttested().get_logs(from_block=since_block)
    return {as_hex(log.args.uid): as_hex(log.transactionHash) for log in logs}


def rejections(ledger: Contract, since_block: int = 0) -> list[tuple[str, str]]:
    """(uid, reason) of every AttestationRejected log: resubmissions show as already_accepted."""
    logs = ledger.events.AttestationRejected().get_logs(from_block=since_block)
    return [(as_hex(log.args.uid), Rejection(log.args.reason).code) for log in logs]


@dataclass
class Tally:
    """What the apps were told, held against the chain's logs and the database."""

    checked_out: int
    lost: list[str] = field(default_factory=list)  # told to an app, never attested on chain
    duplicates: list[str] = field(default_factory=list)  # attested more than once
    strays: list[str] = field(default_factory=list)  # attested, though no app was told of it
    unconfirmed: list[str] = field(default_factory=list)  # the database does not say confirmed
    misattributed: list[str] = field(default_factory=list)  # db tx_hash ≠ the attesting tx
    minutes_off: dict[str, tuple[int, int]] = field(default_factory=dict)  # (chain, database)
    resubmitted: int = 0  # AttestationRejected(AlreadyAccepted): harmless resubmissions

    def __str__(self) -> str:
        return (
            f"check-outs {self.checked_out}, lost {len(self.lost)}, "
            f"duplicates {len(self.duplicates)}, strays {len(self.strays)}, "
            f"unconfirmed {len(self.unconfirmed)}, misattributed {len(self.misattributed)}, "
            f"volunteers with other minutes on chain {len(self.minutes_off)}, "
            f"harmless resubmissions {self.resubmitted}"
        )

    def assert_exactly_once(self) -> None:
        wrong = {
            name: value for name, value in vars(self).items() if name not in ("checked_out", "resubmitted") and value
        }
        assert not wrong, f"{self}: {wrong}"


def tally(relay: Relay, checked_out: Sequence[CheckedOut], since_block: int = 0) -> Tally:
    ledger = relay.chain.ledger
    on_chain = attested(ledger, since_block)
    tx_of = attesting_tx(ledger, since_block)
    told = {item.uid: item for item in checked_out}
    assert len(told) == len(checked_out), "the relay gave two check-outs the same uid"
    rows = attestation_rows(relay.sessions, list(told))
    confirmed = [row for row in rows.values() if row.status == "confirmed"]
    served: Counter[str] = Counter()
    for row in confirmed:
        served[row.volunteer_address] += row.minutes
    chain_minutes = {
        volunteer: ledger.functions.minutesServed(volunteer).call()
        for volunteer in {item.volunteer for item in checked_out}
    }
    return Tally(
        checked_out=len(told),
        lost=[uid for uid in told if not on_chain[uid]],
        duplicates=[uid for uid, times in on_chain.items() if times > 1],
        strays=[uid for uid in on_chain if uid not in told],
        unconfirmed=[uid for uid in told if uid not in rows or rows[uid].status != "confirmed"],
        misattributed=[row.uid for row in confirmed if row.tx_hash != tx_of.get(row.uid)],
        minutes_off={
            volunteer: (minutes, served[volunteer])
            for volunteer, minutes in chain_minutes.items()
            if minutes != served[volunteer]
        },
        resubmitted=sum(reason == "already_accepted" for _, reason in rejections(ledger, since_block)),
    )
