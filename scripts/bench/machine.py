"""What the machine was doing: load averages, CPU, and the CPU time a process tree used."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def load() -> tuple[float, float, float]:
    return os.getloadavg()


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def describe() -> str:
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} × {cpu_model()}, {system}, Python {platform.python_version()}"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` and its children (uvicorn's worker processes)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def load_averages(uptime_line: str) -> str:
    """The three load averages of an `uptime` line."""
    return uptime_line.rsplit("load average:", 1)[-1].strip() if "load average" in uptime_line else uptime_line
