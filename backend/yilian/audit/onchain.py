"""The rebuilt state against the contracts' own view, read at the last scanned block so that a
chain moving on during the audit does not show up as a difference."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import tee
from typing import Any

from web3 import Web3

from yilian.audit.findings import Finding
from yilian.audit.rpc import DEFAULT_BATCH, batched, contract_read
from yilian.audit.scanner import plain
from yilian.audit.state import ChainState
from yilian.chain.manifest import Manifest
from yilian.chain.protocol import AttestationStatus


@dataclass(frozen=True)
class _Check:
    label: str
    expected: Any
    call: Callable[[], Any]  # builds the read; run inside a JSON-RPC batch
    where: dict[str, Any] = field(default_factory=dict)


def compare_with_contracts(
    w3: Web3, manifest: Manifest, state: ChainState, block: int, rpc_batch: int = DEFAULT_BATCH
) -> list[Finding]:
    findings = []
    for kind, checks in _checks(w3, manifest, state, block).items():
        # The checks are generated lazily and read in batches: a million attestations never
        # become a million prepared calls in memory.
        mine, theirs = tee(checks)
        for check, answer in zip(mine, batched(w3, (c.call for c in theirs), rpc_batch), strict=True):
            value = plain(answer)
            if value != check.expected:
                findings.append(Finding(
                    kind, f"{check.label}: the events give {check.expected}, the contract has {value}",
                    block=block, details={"events": check.expected, "contract": value}, **check.where,
                ))  # fmt: skip
    return findings


def _checks(w3: Web3, manifest: Manifest, state: ChainState, block: int) -> dict[str, Iterator[_Check]]:
    ledger = manifest.contract(w3, "HourLedger").functions
    yicoin = manifest.contract(w3, "YiCoin").functions

    def read(function: Any, *args: Any) -> Callable[[], Any]:
        return contract_read(function, *args, block=block)

    table = state.attestations
    return {
        "minutes_served_mismatch": (
            _Check(f"minutesServed({v})", state.minutes_by_volunteer.get(v, 0), read(ledger.minutesServed, v),
                   {"address": v})
            for v in sorted(set(state.minutes_by_volunteer) | set(state.volunteers))
        ),
        "minutes_in_activity_mismatch": (
            _Check(f"minutesInActivity({v}, {a})", minutes, read(ledger.minutesInActivity, v, a), {"address": v})
            for (v, a), minutes in sorted(state.minutes_by_volunteer_activity.items())
        ),
        "attestation_state_mismatch": (
            _Check(
                f"attestationOf({row['volunteer']}, {row['activity_id']}, {row['session']})",
                # A revoked session reads back as (uid, Revoked, 0).
                [row["uid"], AttestationStatus.REVOKED.value, 0] if row["revoked_block"]
                else [row["uid"], AttestationStatus.ACCEPTED.value, row["minutes"]],
                read(ledger.attestationOf, row["volunteer"], row["activity_id"], row["session"]),
                {"uid": row["uid"], "address": row["volunteer"]},
            )
            for row in map(table.row, range(len(table)))
        ),
        "balance_mismatch": (
            _Check(f"balanceOf({holder})", balance, read(yicoin.balanceOf, holder), {"address": holder})
            for holder, balance in sorted(state.balances.items())
        ),
        "total_supply_mismatch": iter([_Check("totalSupply()", state.total_supply, read(yicoin.totalSupply))]),
        "points_owed_mismatch": (
            _Check(f"pointsOwed({holder})", points, read(ledger.pointsOwed, holder), {"address": holder})
            for holder, points in sorted(state.owed.items())
        ),
        # timeCredits(0x0…0) is the community pool.
        "time_credits_mismatch": (
            _Check(f"timeCredits({holder})", credits, read(ledger.timeCredits, holder), {"address": holder})
            for holder, credits in sorted(state.time_credits.items())
        ),
    }  # fmt: skip
