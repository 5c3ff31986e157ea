"""One audit: scan (resuming from a checkpoint), rebuild, reconcile, export."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web3 import Web3

from yilian.audit.export import EventsCsv, write_csv, write_state_exports
from yilian.audit.findings import Finding
from yilian.audit.onchain import compare_with_contracts
from yilian.audit.progress import Progress, scan
from yilian.audit.reconcile import reconcile_relay
from yilian.audit.relay_records import CORRECTION_COLUMNS, correction_rows, relay_attestations, relay_session
from yilian.audit.rpc import DEFAULT_BATCH
from yilian.audit.scanner import DEFAULT_CHUNK, EventScanner
from yilian.audit.time_credits import POOL
from yilian.chain.manifest import Manifest


@dataclass
class AuditReport:
    progress: Progress
    events_read: int  # by this run; a resumed run reads only what the checkpoint lacked
    findings: list[Finding]
    full_history: bool  # scanned from the deployment: totals and the contracts can be compared
    relay_checked: bool

    @property
    def clean(self) -> bool:
        return not self.findings

    @property
    def verdict(self) -> str:
        count = len(self.findings)
        if count:
            return f"{count} finding{'' if count == 1 else 's'}"
        return "CLEAN" if self.full_history else "NOT RECONCILED (the range starts after the deployment)"

    def summary(self) -> dict[str, Any]:
        state = self.progress.state
        table = state.attestations
        revoked = sum(1 for block in table["revoked_block"] if block)
        return {
            "verdict": self.verdict,
            "chain_id": self.progress.chain_id,
            "contracts": self.progress.contracts,
            "from_block": self.progress.from_block,
            "to_block": self.progress.last_block,
            "events_read_this_run": self.events_read,
            "event_counts": dict(sorted(state.event_counts.items())),
            "compared_with_contracts": self.full_history,
            "compared_with_relay": self.relay_checked,
            "volunteers_registered": len(state.volunteers),
            "attestations": len(table),
            "attestations_revoked": revoked,
            "minutes": sum(state.minutes_by_volunteer.values()),
            "yicoin_total_supply": state.total_supply,
            "yicoin_minted": state.minted,
            "yicoin_owed": sum(state.owed.values()),
            "yicoin_redeemed": sum(r["amount"] for r in state.redemptions),
            "yicoin_settled": state.settled,
            "time_credit_minutes_held": sum(m for a, m in state.time_credits.items() if a != POOL),
            "time_credit_pool_minutes": state.time_credits.get(POOL, 0),
            "findings_by_kind": dict(Counter(f.kind for f in self.findings)),
        }


def run_audit(
    w3: Web3,
    manifest: Manifest,
    *,
    relay_db: str | None = None,
    from_block: int | None = None,
    to_block: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    rpc_batch: int = DEFAULT_BATCH,
    checkpoint: Path | None = None,
    out: Path | None = None,
) -> AuditReport:
    scanner = EventScanner(w3, manifest, chunk_size=chunk_size, rpc_batch=rpc_batch)
    if out is not None:
        with EventsCsv(out / "events.csv") as events_csv:
            progress, read = scan(
                scanner, from_block=from_block, to_block=to_block, checkpoint=checkpoint,
                on_events=events_csv.write,
            )  # fmt: skip
    else:
        progress, read = scan(scanner, from_block=from_block, to_block=to_block, checkpoint=checkpoint)

    state, end = progress.state, progress.last_block
    # Totals, the contracts' state and the relay's records only add up over the whole history:
    # a range that starts later is a listing of its events, not a reconciliation.
    full_history = progress.from_block <= scanner.deployment_block
    findings: list[Finding] = []
    if full_history:
        findings = state.totals_findings(end) + compare_with_contracts(w3, manifest, state, end, rpc_batch)
    if full_history and relay_db is not None:
        with relay_session(relay_db) as db:
            findings += reconcile_relay(
                state.attestations, relay_attestations(db), last_block=end, head=lambda: w3.eth.block_number
            )
    report = AuditReport(progress, read, findings, full_history, relay_db is not None and full_history)
    if out is not None:
        write_state_exports(out, state, findings, report.summary())
    if out is not None and relay_db is not None:
        with relay_session(relay_db) as db:
            write_csv(out / "corrections.csv", CORRECTION_COLUMNS, correction_rows(db))
    return report
