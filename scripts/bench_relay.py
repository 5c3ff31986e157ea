"""Relay benchmark: `make bench-relay` (or `.venv/bin/python scripts/bench_relay.py`) → bench/relay.md.

Measures, on this machine, in one run:
1. the check-in/check-out API (scripts/bench/checkin_api.py): the relay as a real server with 1, 2 and 4
   processes (`yilian relay serve`; uvicorn --workers N, the outbox worker in each), on SQLite and
   on PostgreSQL (a scratch database, when YILIAN_TEST_POSTGRES answers), check-in and check-out
   measured apart, each against the stack's floor (scripts/bench/floor.py) measured in the same
   run; wrk (C, Lua script scripts/bench/relay.lua) on loopback at a fixed concurrency, every
   request a distinct, valid check-in or check-out (pre-generated: FakeFaceProvider(DEV_FACE_PROVIDER_KEY)
   assertions, venue sign-in codes read from the organiser API, an Idempotency-Key each);
2. attestation signing on one core: FastSigner and the relay's `sign_attestation`, against
   eth-account's generic EIP-712 encoding (signatures compared byte for byte);
3. check-out → confirmed (scripts/bench/e2e.py): on Anvil and on ganache, the outbox filled
   beforehand through the service layer, then the relay's worker timed from its start to the last
   confirmation (signing, batching, sending, confirming), HoursAttested logs counted per uid
   (0 lost, 0 doubled), against the chain's own rate for the same attestBatch transactions
   pre-signed and sent raw. `--parts e2e` runs this part alone and replaces only its section of
   bench/relay.md.
Volunteers, organisations and activities are seeded before any timing.
Only measured numbers are written; the load average is recorded around every timed part,
since other work on the machine depresses them.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, select  # noqa: E402

from bench import checkin_api, e2e, e2e_report, env, load, machine, seed, signing  # noqa: E402
from yilian.chain.artifacts import PROJECT_ROOT  # noqa: E402
from yilian.relay.db.models import Attestation, ChainTx  # noqa: E402
from yilian.relay.db.session import make_engine, make_sessionmaker  # noqa: E402

REPORT = PROJECT_ROOT / "bench" / "relay.md"
TARGET_SIGN = 2000


@dataclass
class Report:
    args: argparse.Namespace
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    load_start: str = field(default_factory=machine.uptime)
    signing: signing.SigningResult | None = None
    signing_load: str = ""
    api: list[checkin_api.Point] = field(default_factory=list)
    e2e: list[e2e.ChainRun] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def wait_idle(database_url: str, timeout_s: float = 600) -> None:
    """Until the outbox is empty and no submitter transaction is open."""
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with sessions() as session:
                busy = session.scalar(select(func.count()).where(Attestation.status.in_(e2e.OPEN)))
                busy += session.scalar(select(func.count()).where(ChainTx.status.in_(("sent", "mined"))))
            if not busy:
                return
            time.sleep(0.5)
        raise TimeoutError("the relay did not become idle")
    finally:
        engine.dispose()


def run_database(kind: str, chain, manifest_path: Path, args, workdir: Path, report: Report) -> None:  # type: ignore[no-untyped-def]
    """The API runs on one database (1, 2 and 4 processes), each against the floor in the same run."""
    n_api = args.api_volunteers
    with env.scratch_database(kind, workdir) as url:
        keys = env.create_keys(url)
        settings = {"batch_max_size": args.batch_size}
        options = dict(database_url=url, rpc_url=chain.rpc_url, manifest=manifest_path, workdir=workdir,
                       workers=args.workers)  # fmt: skip
        with env.relay_server(**options, settings=settings) as server:  # type: ignore[arg-type]
            api = seed.Api(server.url, keys)
            log(f"{kind}: seeding {args.activities} activities and {n_api} volunteers through the API")
            started = time.time()
            seeded = seed.seed(api, prefix=f"{kind}-{uuid.uuid4().hex[:6]}", activities=args.activities,
                               volunteers=n_api)  # fmt: skip
            seed.wait_chain_settled(url)
            log(f"{kind}: seeded in {time.time() - started:.0f} s")
        # With the seeding server stopped: each API run starts its own.
        report.api += checkin_api.measure(
            kind, url=url, rpc_url=chain.rpc_url, manifest=manifest_path, keys=keys, seeded=seeded,
            workers=args.api_workers, connections=args.connections, duration_s=args.duration, workdir=workdir,
            settings=settings, wait_idle=wait_idle, log=log,
        )  # fmt: skip


def run_e2e(args, workdir: Path, report: Report) -> None:  # type: ignore[no-untyped-def]
    for kind, n, raw, batch in (("anvil", args.burst, args.raw_burst, args.batch_size),
                                ("ganache", args.ganache_burst, args.ganache_burst, args.ganache_batch)):  # fmt: skip
        report.e2e.append(e2e.run(kind, attestations=n, raw_attestations=raw, batch=batch, workdir=workdir,
                                  timeout_s=args.burst_timeout, log=log))  # fmt: skip


# --- the report ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "✓" if ok else "✗"


def render(report: Report, command: str) -> str:
    a = report.args
    lines = [
        "# Relay throughput and latency (measured)",
        "",
        f"Measured {report.started:%Y-%m-%d %H:%M} UTC by `{command}` on {machine.describe()}.",
        f"Load when the run started: `{report.load_start}`; at the end: `{machine.uptime()}`.",
        "Other work shared this machine during the run (see the load averages next to every timed part):",
        "numbers are for this machine at that load, not the relay's ceiling.",
        "",
    ]
    if report.api:
        lines += checkin_api.render(report.api, volunteers=a.api_volunteers, activities=a.activities,
                                    connections=a.connections, duration_s=a.duration)  # fmt: skip
    if report.signing:
        s = report.signing
        lines += [
            "## 2. Attestation signing (one core, one thread)",
            "",
            f"Random attestations, the ledger's domain; load before: `{machine.load_averages(report.signing_load)}`.",
            "",
            "| path | attestations | per second |",
            "|---|---:|---:|",
            f"| `FastSigner.sign_attestation` (hand-rolled digest, coincurve) | {s.count} | {s.fast_per_s:,.0f} |",
            f"| relay: `services.outbox.sign_attestation` on stored rows | {s.count} | {s.relay_per_s:,.0f} |",
            f"| eth-account `Account.sign_typed_data` (generic EIP-712) | {s.reference_count} "
            f"| {s.reference_per_s:,.0f} |",
            "",
            f"Signatures byte-identical to eth-account's for the {s.reference_count} compared: "
            f"{'yes' if s.identical else 'NO'}; target ≥ {TARGET_SIGN}/s: {verdict(s.relay_per_s >= TARGET_SIGN)}. "
            "tests/backend/test_eip712.py and tests/backend/relay/test_fast_signing.py prove the equality.",
            "",
        ]
    if report.e2e:
        lines += e2e_report.render(report.e2e, measured=e2e_measured(report))
    if report.notes:
        lines += ["## Notes", ""] + [f"- {note}" for note in report.notes] + [""]
    lines += [
        "## Settings of this run",
        "",
        f"- relay: `{'yilian relay serve' if a.workers == 1 else f'uvicorn --workers {a.workers}'}`, "
        f"worker settings default except batch_max_size {a.batch_size} (Anvil) / {a.ganache_batch} (ganache); "
        "poll_interval_s 0.2, batch_max_age_s 1.0, confirmations 1.",
        "- chains: Anvil and ganache from node_modules (london, chain 1337, automine: a block per transaction).",
        f"- arguments: `{' '.join(shlex.quote(x) for x in sys.argv[1:]) or '(defaults)'}`",
        "",
    ]
    return "\n".join(lines)


def e2e_measured(report: Report) -> str:
    a = report.args
    return (
        f"Measured {report.started:%Y-%m-%d %H:%M} UTC on {machine.describe()}; Anvil {a.burst} attestations "
        f"(raw reference {a.raw_burst}), batches of up to {a.batch_size}; ganache {a.ganache_burst} (raw the "
        f"same), batches of up to {a.ganache_batch}; worker settings otherwise default (poll_interval_s 0.2, "
        "batch_max_age_s 1.0), confirmations 1 (one node, automine: a block per transaction)."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the benchmark itself")
    parser.add_argument(
        "--parts", default="api,signing,e2e", help="which parts to run; `e2e` alone replaces only section 3"
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=30, help="API run length bound, seconds")
    parser.add_argument("--api-volunteers", type=int, default=3000, help="check-ins (and check-outs) per API run")
    parser.add_argument("--activities", type=int, default=20)
    parser.add_argument("--burst", type=int, default=10_000, help="check-outs the worker drains on Anvil")
    parser.add_argument("--raw-burst", type=int, default=3000, help="attestations of Anvil's raw reference")
    parser.add_argument("--burst-timeout", type=float, default=600, help="bound of each drain, seconds")
    parser.add_argument("--batch-size", type=int, default=100, help="batch_max_size on Anvil")
    parser.add_argument("--ganache-burst", type=int, default=1000, help="the drain's and the raw reference's, each")
    parser.add_argument("--ganache-batch", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="1: yilian relay serve; N: uvicorn --workers N")
    parser.add_argument("--api-workers", default="1,2,4", help="server processes of the API part's runs")
    parser.add_argument("--signatures", type=int, default=20_000)
    parser.add_argument("--output", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    # A SIGTERM unwinds like Ctrl-C: servers, chains and scratch databases are cleaned up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.api_volunteers, args.duration = 300, 10
        args.burst, args.raw_burst, args.ganache_burst, args.signatures = 300, 300, 150, 3000
    parts = args.parts = set(args.parts.split(","))
    args.api_workers = [int(count) for count in args.api_workers.split(",")]
    if "api" in parts and not load.wrk_available():
        sys.exit("wrk is needed: apt-get install -y wrk")
    report = Report(args)
    workdir = Path(tempfile.mkdtemp(prefix="yilian-bench-relay-"))
    log(f"work directory {workdir} (removed at the end); {report.load_start}")
    try:
        measure(args, parts, report, workdir)
    finally:  # plans, databases and chain data: a run leaves some 100 MB
        shutil.rmtree(workdir, ignore_errors=True)
    command = "python scripts/bench_relay.py " + " ".join(shlex.quote(x) for x in (argv or sys.argv[1:]))
    write(report, command.strip())


def measure(args: argparse.Namespace, parts: set[str], report: Report, workdir: Path) -> None:
    if "signing" in parts:
        report.signing_load = machine.uptime()
        report.signing = signing.measure(args.signatures, min(1000, args.signatures))
        log(f"signing: FastSigner {report.signing.fast_per_s:,.0f}/s, relay {report.signing.relay_per_s:,.0f}/s, "
            f"eth-account {report.signing.reference_per_s:,.0f}/s")  # fmt: skip
    databases = [db for db in args.databases.split(",") if db]
    if "postgresql" in databases and not env.postgres_available():
        report.notes.append(f"PostgreSQL was not reachable at {env.POSTGRES_ADMIN_URL}: not measured.")
        databases.remove("postgresql")
    if "api" in parts:
        with env.local_chain("anvil", workdir) as (chain, manifest_path):
            for kind in databases:
                run_database(kind, chain, manifest_path, args, workdir, report)
    if "e2e" in parts:
        run_e2e(args, workdir, report)


def write(report: Report, command: str) -> None:
    output = report.args.output
    if report.args.parts == {"e2e"} and output.exists():  # the other sections keep their latest figures
        section = e2e_report.render(report.e2e, measured=f"{e2e_measured(report)} Command: `{command}`.")
        text = e2e_report.splice(output.read_text(), section)
    else:
        text = render(report, command)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
