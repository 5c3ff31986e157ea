"""Section 1 of bench/relay.md: the check-in/check-out API against its stack's floor.

For each number of server processes (uvicorn workers), in one run:
- check-in: every seeded volunteer checks in once (fresh face assertion, the venue's current
  sign-in code, an Idempotency-Key each), wrk in relay.lua's `checkin` mode;
- the floor (scripts/bench/floor.py, the same number of processes) takes the same bodies, while
  the sessions accrue their first minute;
- check-out: each of those sessions checks out (in the fence, an attestation signed and stored in
  the outbox), wrk in `checkout` mode.
Every relay request is valid and does all of its work (face signature, sign-in code, geofence,
lock-out windows, idempotency record, organisation key); the outbox worker runs meanwhile.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import env, load, machine, seed
from yilian.chain.localchain import free_port

TARGET_RATIO = 0.40
FLOOR_COPIES = 6  # the floor is several times faster than the relay: more requests for as long a run
FLOOR_APP = Path(__file__).resolve().parent
CONNECTIONS_NOTE = "wrk, 2 threads"


@dataclass
class Run:
    result: load.WrkResult
    cpu_s: float  # the server's processes
    load_before: str
    load_after: str

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_s * 1000 / max(1, self.result.requests)


@dataclass
class Point:
    database: str
    workers: int
    server: str
    floor: Run
    check_in: Run
    check_out: Run

    def ratio(self, run: Run) -> float:
        return run.result.rate / self.floor.result.rate


def measure(
    kind: str, *, url: str, rpc_url: str, manifest: Path, keys: dict[str, str], seeded: seed.Seeded,
    workers: list[int], connections: int, duration_s: int, workdir: Path, settings: dict[str, object],
    wait_idle: Callable[[str], None], log: Callable[[str], None],
) -> list[Point]:  # fmt: skip
    points = []
    for count in workers:
        wait_idle(url)
        options = dict(database_url=url, rpc_url=rpc_url, manifest=manifest, workdir=workdir, workers=count)
        with env.relay_server(**options, settings=settings) as server:  # type: ignore[arg-type]
            api = seed.Api(server.url, keys)
            at, codes = seed.signin_codes(api, seeded.activities)
            name = f"{kind}-{count}w-{uuid.uuid4().hex[:6]}"
            plan = workdir / f"{name}-checkin.tsv"
            seed.write_checkin_plan(plan, seeded, sessions=1, at=at, codes=codes, checkout_after_s=None)
            out = workdir / f"{name}-checkin.out"
            check_in = _run(server.url, server.process.pid, "checkin", plan, keys["app"], connections, duration_s, out)
            answered = time.time()
            log(f"{kind}, {count} process(es): check-in {_summary(check_in)}")
            floor = _floor(plan, workdir, count, connections, duration_s)
            log(f"{kind}, {count} process(es): floor {_summary(floor)}")
            time.sleep(max(0.0, answered + 61 - time.time()))  # every session has its first minute
            checkouts = workdir / f"{name}-checkout.tsv"
            load.collect_checkins(out, 2, checkouts)
            check_out = _run(server.url, server.process.pid, "checkout", checkouts, keys["app"], connections,
                             duration_s)  # fmt: skip
            log(f"{kind}, {count} process(es): check-out {_summary(check_out)}")
            points.append(Point(kind, count, server.command, floor, check_in, check_out))
    return points


def _run(
    url: str, pid: int, mode: str, plan: Path, key: str, connections: int, duration_s: int, out: Path | None = None
) -> Run:
    before, cpu0 = machine.uptime(), machine.cpu_seconds(pid)
    result = load.run_wrk(url, mode=mode, plan=plan, key=key, connections=connections, duration_s=duration_s,
                          out_prefix=out)  # fmt: skip
    return Run(result, machine.cpu_seconds(pid) - cpu0, before, machine.uptime())


def _floor(plan: Path, workdir: Path, workers: int, connections: int, duration_s: int) -> Run:
    """The floor server on a fresh SQLite file, given each planned body FLOOR_COPIES times, so
    that it runs about as long as the relay did (relay.lua sends a line's bodies in turn, once
    per time the line's volunteer is queued)."""
    repeated = workdir / f"{plan.stem}-floor.tsv"
    with repeated.open("w") as target:
        for line in plan.read_text().splitlines():
            user, activity, checkout, body = line.split("\t")[:4]
            target.write(("\t".join([user, activity, checkout, *[body] * FLOOR_COPIES]) + "\n") * FLOOR_COPIES)
    with floor_server(workdir, workers) as server:
        out = workdir / f"{plan.stem}-floor.out"
        return _run(server.url, server.process.pid, "checkin", repeated, "floor", connections, duration_s, out)


@contextmanager
def floor_server(workdir: Path, workers: int) -> Iterator[env.RelayServer]:
    database = workdir / f"floor-{uuid.uuid4().hex[:8]}.db"
    port = free_port()
    command = [
        str(env.VENV_BIN / "uvicorn"), "--app-dir", str(FLOOR_APP), "floor:app", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    server = env.RelayServer(
        f"http://127.0.0.1:{port}", command, {**os.environ, "FLOOR_DATABASE": str(database)},
        f"floor, {workers} process(es)", workdir / f"floor-{port}.log",
    )  # fmt: skip
    try:
        yield server.start()
    finally:
        server.stop()


def _summary(run: Run) -> str:
    r = run.result
    errors = [line for line in r.stderr.splitlines() if line.startswith("HTTP ")]
    return (
        f"{r.rate:.0f} req/s, p50 {r.latency_ms('p50'):.1f} ms, p99 {r.latency_ms('p99'):.1f} ms, "
        f"errors {r.stats['http_err']}, server CPU {run.cpu_ms_per_request:.2f} ms/request"
        + "".join(f"\n    {line[:300]}" for line in errors[:5])
    )


def render(points: list[Point], *, volunteers: int, activities: int, connections: int, duration_s: int) -> list[str]:
    lines = [
        "## 1. Check-in / check-out API against its stack's floor",
        "",
        f"{volunteers} volunteers across {activities} activities check in once each (face assertion, venue "
        "sign-in code, geofence, lock-out windows, sign-up rule, an Idempotency-Key each), then, a minute later, "
        "check out (in the fence; the attestation signed with the organisation's key and stored in the outbox); "
        f"{CONNECTIONS_NOTE}, {connections} connections, up to {duration_s} s per run; the outbox worker runs "
        "in the relay meanwhile (Anvil node). The floor (scripts/bench/floor.py): FastAPI + pydantic + uvicorn, "
        "one POST taking the same check-in bodies (the relay's own request model), one SQLite INSERT and commit, "
        "nothing else; measured in the same run with the same number of processes and the same wrk settings.",
        "",
        "| database | processes | run | requests | req/s | p50 ms | p99 ms | errors | server CPU ms/req "
        "| / floor | load before → after |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for p in points:
        for label, run in (("floor", p.floor), ("check-in", p.check_in), ("check-out", p.check_out)):
            r = run.result
            ratio = "" if run is p.floor else f"{p.ratio(run):.0%} {_verdict(p.ratio(run) >= TARGET_RATIO)}"
            lines.append(
                f"| {p.database} | {p.workers} | {label} | {r.requests} | {r.rate:,.0f} | {r.latency_ms('p50'):.1f} "
                f"| {r.latency_ms('p99'):.1f} | {r.stats['http_err']} | {run.cpu_ms_per_request:.2f} | {ratio} "
                f"| {_load(run.load_before)} → {_load(run.load_after)} |"
            )
    lines += [""]
    for p in points:
        ci, co = p.ratio(p.check_in), p.ratio(p.check_out)
        lines.append(
            f"- {p.database}, {p.workers} process(es) (`{p.server}`): ≥ {TARGET_RATIO:.0%} of the floor — "
            f"check-in {ci:.0%} {_verdict(ci >= TARGET_RATIO)}, check-out {co:.0%} {_verdict(co >= TARGET_RATIO)}."
        )
    attested = sum(p.check_out.result.stats["attested"] for p in points)
    checkouts = sum(p.check_out.result.stats["co_ok"] for p in points)
    lines += ["", f"Check-outs answered with a signed attestation: {attested} of {checkouts}.", ""]
    return lines


def _verdict(ok: bool) -> str:
    return "✓" if ok else "✗"


def _load(uptime: str) -> str:
    return uptime.rsplit("load average:", 1)[-1].strip() if "load average" in uptime else uptime
