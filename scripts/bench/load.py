"""Runs wrk (Debian's `wrk`, a C load generator) with relay.lua against a relay server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).with_name("relay.lua")


@dataclass
class WrkResult:
    command: str
    started: float  # wall clock, just before wrk started
    stats: dict
    stderr: str

    @property
    def requests(self) -> int:
        """Check-ins and check-outs answered (wrk's own count includes the filler GETs)."""
        return self.stats["ci_ok"] + self.stats["co_ok"] + self.stats["http_err"]

    @property
    def duration_s(self) -> float:
        return self.stats["duration_us"] / 1e6

    @property
    def rate(self) -> float:
        return self.requests / self.duration_s

    def latency_ms(self, key: str) -> float:
        return self.stats["latency_us"][key] / 1000


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    url: str, *, mode: str, plan: Path, key: str, connections: int, threads: int = 2,
    duration_s: float = 60, out_prefix: Path | None = None, timeout_s: float = 10,
) -> WrkResult:  # fmt: skip
    """`duration_s` is an upper bound: threads stop as soon as their plan is done."""
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{int(duration_s)}s", f"--timeout={int(timeout_s)}s",
        "-s", str(LUA), url,
    ]  # fmt: skip
    done_prefix = plan.with_suffix(f".done-{time.monotonic_ns()}")
    env = dict(
        os.environ, BENCH_MODE=mode, BENCH_PLAN=str(plan), BENCH_THREADS=str(threads), BENCH_KEY=key,
        BENCH_OUT=str(out_prefix or plan.with_suffix(".out")), BENCH_DONE=str(done_prefix),
        BENCH_RUN=uuid.uuid4().hex[:12],
    )  # fmt: skip
    started = time.time()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr, text=True)
        markers = [Path(f"{done_prefix}.{index}") for index in range(threads)]
        # wrk sleeps for the whole -d even when every thread has stopped: SIGINT ends the run
        # early (wrk then joins its threads and reports, with the duration actually run).
        while process.poll() is None:
            if all(marker.exists() for marker in markers):
                process.send_signal(signal.SIGINT)
                process.wait()
                break
            time.sleep(0.02)
        for marker in markers:
            marker.unlink(missing_ok=True)
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read(), stderr.read()
    line = next((line for line in out.splitlines() if line.startswith("BENCH_JSON ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{out}\n{err[-3000:]}")
    shown = f"BENCH_MODE={mode} wrk -t{threads} -c{connections} -d{int(duration_s)}s -s scripts/bench/relay.lua URL"
    return WrkResult(shown, started, json.loads(line.removeprefix("BENCH_JSON ")), err)


def collect_checkins(out_prefix: Path, threads: int, target: Path) -> int:
    """Joins the checkin run's per-thread outputs into one checkout plan."""
    lines: list[str] = []
    for index in range(threads):
        part = Path(f"{out_prefix}.{index}")
        if part.exists():
            lines += [line for line in part.read_text().splitlines() if line]
    target.write_text("\n".join(lines) + "\n")
    return len(lines)
