"""The verdicts of a `make bench` run: every ✓/✗ line of the bench/*.md files it rewrote.

`python scripts/bench_summary.py --since EPOCH` prints, per report written at or after EPOCH,
the lines that state a target with its measured figure, so one screen tells which targets this
run met. A report older than EPOCH (a benchmark that failed or was skipped) is named as stale,
never quoted as if measured now. The tally counts each target once: a list item ("- …") that
restates a table's verdicts in words is printed, not counted again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
VERDICTS = ("✓", "✗")


def verdict_lines(report: Path) -> list[str]:
    lines = report.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if any(verdict in line for verdict in VERDICTS)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", type=float, default=0.0, help="the run's start (seconds since the epoch)")
    args = parser.parse_args()
    met = missed = 0
    for report in sorted(BENCH.glob("*.md")):
        if report.stat().st_mtime < args.since:
            print(f"\n{report.name}: not rewritten by this run (stale; not quoted)")
            continue
        lines = verdict_lines(report)
        print(f"\n{report.name}:")
        for line in lines:
            print(f"  {line}")
        counted = [line for line in lines if not line.startswith("- ")]
        met += sum(line.count("✓") for line in counted)
        missed += sum(line.count("✗") for line in counted)
    print(f"\ntargets met: {met} ✓, missed: {missed} ✗")
    return 0


if __name__ == "__main__":
    sys.exit(main())
