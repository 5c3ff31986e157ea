"""The audit's exports: CSV for spreadsheets, JSON for programs.

events.csv is written while the scan runs (one row per event, never all in memory); with a
checkpoint it holds the events this run read, the earlier runs' exports hold the rest. The
other files describe the whole rebuilt state.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from yilian.audit.findings import Finding
from yilian.audit.scanner import ChainEvent
from yilian.audit.state import ChainState

EVENT_COLUMNS = ("block", "timestamp", "tx_hash", "log_index", "contract", "event", "uid", "address", "args")


class EventsCsv:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._file)
        self._writer.writerow(EVENT_COLUMNS)

    def write(self, events: Iterable[ChainEvent]) -> None:
        for event in events:
            args = event.args
            # uid and the first address argument get their own columns, for filtering.
            address = next((v for v in args.values() if isinstance(v, str) and len(v) == 42 and v[:2] == "0x"), "")
            self._writer.writerow((
                event.block, event.timestamp, event.tx_hash, event.log_index, event.contract,
                event.name, args.get("uid", ""), address,
                json.dumps(args, ensure_ascii=False, separators=(",", ":")),
            ))  # fmt: skip

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> EventsCsv:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Iterable[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def write_state_exports(
    out: Path, state: ChainState, findings: Sequence[Finding], summary: dict[str, Any]
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    table = state.attestations
    sessions: dict[str, list[int]] = {}  # volunteer → [standing sessions, revoked sessions]
    for volunteer, revoked in zip(table["volunteer"], table["revoked_block"], strict=True):
        sessions.setdefault(volunteer, [0, 0])[1 if revoked else 0] += 1
    volunteers = sorted(set(state.volunteers) | set(state.minutes_by_volunteer))
    write_csv(
        out / "volunteers.csv",
        ("address", "registered_at", "status", "minutes", "sessions", "revoked_sessions", "yicoin_balance"),
        (
            (v, state.volunteers.get(v, {}).get("registered_at", ""), state.volunteers.get(v, {}).get("status", ""),
             state.minutes_by_volunteer.get(v, 0), *sessions.get(v, [0, 0]), state.balances.get(v, 0))
            for v in volunteers
        ),
    )  # fmt: skip
    write_csv(
        out / "activities.csv",
        ("activity_id", "organisation_id", "category", "starts_at", "ends_at", "closed", "minutes"),
        (
            (a, meta["organisation_id"], meta["category"], meta["starts_at"], meta["ends_at"], meta["closed"],
             state.minutes_by_activity.get(a, 0))
            for a, meta in sorted(state.activities.items())
        ),
    )  # fmt: skip
    write_csv(out / "attestations.csv", table.COLUMNS, (table.row(i).values() for i in range(len(table))))
    for name, rows in (
        ("revocations", state.revocations),
        ("redemptions", state.redemptions),
        ("settlements", state.settlements),
    ):
        header = tuple(rows[0]) if rows else ()
        write_csv(out / f"{name}.csv", header, (row.values() for row in rows))
    write_csv(out / "balances.csv", ("address", "yicoin_balance"), sorted(state.balances.items()))
    (out / "findings.json").write_text(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n")
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return sorted(out.iterdir())
