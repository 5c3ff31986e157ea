"""Reconciliation of the relay's records with the attestations rebuilt from chain events.

A pure function over data already in memory (no RPC, no SQL), so its cost is measured alone
(`scripts/bench_stats.py`) and it streams: the relay's rows are consumed once, as they come.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from yilian.audit.findings import Finding
from yilian.audit.relay_records import RelayAttestation
from yilian.audit.state import AttestationTable
from yilian.records.evidence import evidence_hash

# Fields a relay record and its HoursAttested event must agree on; the uid is the join key.
COMPARED = ("minutes", "evidence_hash", "volunteer", "activity_id", "session", "check_in", "check_out")


def reconcile_relay(
    table: AttestationTable,
    records: Iterable[RelayAttestation],
    *,
    last_block: int,
    head: Callable[[], int],
) -> list[Finding]:
    """`last_block`: where the scan ended. A record confirmed in a later block (the relay went on
    while the audit ran) is left to the next run, unless its block is past the chain's head,
    asked once all records are read: no real confirmation can be there."""
    findings: list[Finding] = []
    known: set[str] = set()
    later: list[RelayAttestation] = []
    columns = [(name, table[name]) for name in COMPARED]
    for record in records:
        known.add(record.uid)
        if record.evidence is None or evidence_hash(record.evidence) != record.evidence_hash:
            findings.append(Finding(
                "evidence_bundle_mismatch",
                "the stored check-in evidence does not hash to the attestation's evidence hash",
                uid=record.uid, address=record.volunteer, block=record.block_number,
            ))  # fmt: skip
        row = table.index.get(record.uid)
        if row is None:
            if record.status != "confirmed":
                continue
            if record.block_number is not None and record.block_number > last_block:
                later.append(record)
            else:
                findings.append(Finding(
                    "confirmed_not_on_chain",
                    "the relay marks this attestation confirmed; no HoursAttested has its uid",
                    uid=record.uid, address=record.volunteer, block=record.block_number,
                ))  # fmt: skip
            continue
        block = table["block"][row]
        if record.status == "rejected":
            findings.append(Finding(
                "rejected_but_on_chain", "the relay marks this attestation rejected; the chain accepted it",
                uid=record.uid, address=record.volunteer, block=block,
            ))  # fmt: skip
        for name, column in columns:
            if column[row] != getattr(record, name):
                findings.append(Finding(
                    f"{name}_mismatch",
                    f"{name}: relay has {getattr(record, name)!r}, chain has {column[row]!r}",
                    uid=record.uid, address=record.volunteer, block=block,
                    details={"relay": getattr(record, name), "chain": column[row]},
                ))  # fmt: skip
    if later:
        top = head()
        findings.extend(
            Finding(
                "block_beyond_head",
                f"confirmed in block {record.block_number}, past the head {top}",
                uid=record.uid,
                address=record.volunteer,
                block=record.block_number,
            )  # fmt: skip
            for record in later
            if record.block_number is not None and record.block_number > top
        )
    for row, uid in enumerate(table["uid"]):
        if uid not in known:
            findings.append(Finding(
                "unknown_to_relay", "HoursAttested on chain, but the relay has no record of it",
                uid=uid, address=table["volunteer"][row], block=table["block"][row],
            ))  # fmt: skip
    return findings
