"""Gas per operation of the Yilian contracts: `make bench-gas` (plain web3, no Brownie).

Starts a fresh ganache (london), deploys, and measures every case below from receipts' gasUsed
in this run: the mean over several transactions, or a batch's total divided by its size.
Prints a Markdown report and writes it to bench/gas.md.
"""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from eth_utils import to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD

from yilian.chain.artifacts import PROJECT_ROOT, load_artifact
from yilian.chain.connection import connect
from yilian.chain.deployment import DEFAULT_REVOCATION_WINDOW, Roles, deploy_all
from yilian.chain.eip712 import (
    Eip712Domain,
    FastSigner,
    HourAttestation,
    RedemptionVoucher,
    alliance_domain,
    ledger_domain,
    sign_typed,
)
from yilian.chain.ledger_batch import sign_batch
from yilian.chain.localchain import LocalChain, dev_address, dev_private_key
from yilian.chain.manifest import Manifest
from yilian.chain.transactions import Sender, Transactable

SAMPLES = 10  # transactions averaged for each one-per-transaction case
BATCH = 50
MINUTES = 45  # a typical session; at 10 益币/hour it earns 7.50 益币
DAY = 86_400
REPORT = PROJECT_ROOT / "bench" / "gas.md"

# Reference points (single, batch): an EAS attestation through a resolver contract, measured on
# ganache, and an estimated floor for a signed attestation stored in one slot.
EAS_RESOLVER = (247_000, 203_000)
FLOOR = (69_000, 42_000)
NEW_VOLUNTEER = "new volunteer (first hours ever)"
FIRST = "existing volunteer, first session in an activity"
LATER = "existing volunteer, later session in the same activity"
# Targets: (case, one per transaction or each in a batch, gas).
TARGETS = (
    (FIRST, "one per transaction", 80_000),
    (FIRST, f"each in a batch of {BATCH}", 45_000),
    (LATER, f"each in a batch of {BATCH}", 32_000),
    (NEW_VOLUNTEER, f"each in a batch of {BATCH}", 75_000),
)

# Development accounts (public mnemonic): what each one does in the benchmark.
ADMIN, ATTESTER, AUDITOR, SUBMITTER, MERCHANT = 0, 1, 2, 3, 4
SPENDERS = range(5, 5 + SAMPLES + 1)  # volunteers who redeem 益币 themselves (+1 warm-up)

Item = tuple[tuple[object, ...], bytes, bytes]  # attest's argument: (fields, r, vs)


@dataclass
class Bench:
    w3: Web3
    manifest: Manifest
    attester: FastSigner
    now: int
    organisation: int = 1
    registrations: list[int] = field(default_factory=list)  # gas of each registerVolunteer

    def contract(self, name: str) -> Contract:
        return self.manifest.contract(self.w3, name)

    def send(self, account: int, call: Transactable) -> int:
        return int(Sender(self.w3, dev_address(account)).transact(call)["gasUsed"])

    def volunteers(self, count: int) -> list[str]:
        """Registers `count` volunteers who have never served."""
        registry = self.contract("VolunteerRegistry").functions
        fresh = [to_checksum_address(os.urandom(20)) for _ in range(count)]
        for volunteer in fresh:
            self.registrations.append(self.send(ADMIN, registry.registerVolunteer(volunteer, os.urandom(32))))
        return fresh

    def activity(self) -> int:
        registry = self.contract("VolunteerRegistry").functions
        self.send(
            ADMIN,
            registry.createActivity(self.organisation, 1, self.now - DAY, self.now + DAY, 600, 10),
        )
        return int(registry.activityCount().call())

    @property
    def domain(self) -> Eip712Domain:
        return ledger_domain(self.manifest.chain_id, self.manifest.address("HourLedger"))

    def session(self, volunteer: str, activity: int, session: int) -> HourAttestation:
        check_out = self.now - 60
        return HourAttestation(
            volunteer, activity, session, check_out - MINUTES * 60, check_out, MINUTES, os.urandom(32)
        )

    def signed(self, volunteer: str, activity: int, session: int) -> Item:
        attestation = self.session(volunteer, activity, session)
        r, vs = self.attester.sign_attestation(attestation, self.domain).compact()
        return (_fields(attestation), r, vs)

    def one_by_one(self, volunteers: list[str], activity: int, session: int) -> float:
        ledger = self.contract("HourLedger").functions
        return statistics.mean(
            self.send(SUBMITTER, ledger.attest(self.signed(v, activity, session))) for v in volunteers
        )

    def batch(self, items: list[HourAttestation], *, accepted: int) -> float:
        """Gas per item of one batch signature over `items`; checks how many were accepted,
        since a rejected item costs less."""
        ledger = self.contract("HourLedger")
        signed = sign_batch(self.attester, items, self.domain)
        call = ledger.functions.attestBatch([_fields(a) for a in items], signed.attester, signed.r, signed.vs)
        receipt = Sender(self.w3, dev_address(SUBMITTER)).transact(call)
        # DISCARD: a receipt may hold other contracts' logs, which are not ledger events.
        recorded = len(ledger.events.HoursAttested().process_receipt(receipt, errors=DISCARD))
        if recorded != accepted:
            raise RuntimeError(f"batch accepted {recorded} of {len(items)}, expected {accepted}")
        return int(receipt["gasUsed"]) / len(items)


def _fields(a: HourAttestation) -> tuple[object, ...]:
    return (a.volunteer, a.activity_id, a.session, a.check_in, a.check_out, a.service_minutes, a.evidence_hash)


def setup(w3: Web3) -> Bench:
    attester = FastSigner(dev_private_key(ATTESTER))
    roles = Roles(dev_address(ADMIN), dev_address(AUDITOR), dev_address(ADMIN))
    manifest = deploy_all(w3, dev_address(ADMIN), roles=roles, revocation_window=DEFAULT_REVOCATION_WINDOW)
    bench = Bench(w3, manifest, attester, int(w3.eth.get_block("latest")["timestamp"]))
    registry = bench.contract("VolunteerRegistry").functions
    bench.send(ADMIN, registry.createOrganisation(os.urandom(32)))
    bench.send(ADMIN, registry.addOrganisationManager(bench.organisation, dev_address(ADMIN)))
    bench.send(ADMIN, registry.addOrganisationAttester(bench.organisation, attester.address))
    # Warm-up: the first attestation ever also creates the ledger's total of owed points.
    bench.one_by_one(bench.volunteers(1), bench.activity(), 0)
    return bench


def measure_attestations(bench: Bench) -> dict[str, tuple[float | None, float]]:
    """case → (gas one per transaction, gas each in a batch of 50)."""
    singles, batched = bench.volunteers(SAMPLES), bench.volunteers(BATCH)
    earlier, current = bench.activity(), bench.activity()
    gas: dict[str, tuple[float | None, float]] = {}
    gas[NEW_VOLUNTEER] = (
        bench.one_by_one(singles, earlier, 0),
        bench.batch([bench.session(v, earlier, 0) for v in batched], accepted=BATCH),
    )
    gas[FIRST] = (
        bench.one_by_one(singles, current, 0),
        bench.batch([bench.session(v, current, 0) for v in batched], accepted=BATCH),
    )
    later_items = [bench.session(v, current, 1) for v in batched]
    gas[LATER] = (bench.one_by_one(singles, current, 1), bench.batch(later_items, accepted=BATCH))
    replay = bench.batch(later_items, accepted=0)
    gas["replay of accepted sessions (resubmitted batch)"] = (None, replay)
    return gas


def measure_revocation(bench: Bench) -> float:
    """Revokes one of two sessions: the volunteer keeps hours and 益币 from the other."""
    volunteers, activity = bench.volunteers(SAMPLES), bench.activity()
    bench.one_by_one(volunteers, activity, 0)
    bench.one_by_one(volunteers, activity, 1)
    ledger = bench.contract("HourLedger").functions
    return statistics.mean(
        bench.send(AUDITOR, ledger.revoke(v, activity, 0, "check-out time corrected")) for v in volunteers
    )


def measure_market(bench: Bench) -> dict[str, float]:
    """Redemptions and settlement, after one warm-up redemption: a merchant that already holds
    益币 and volunteers with points left is the steady state."""
    alliance = bench.contract("MerchantAlliance").functions
    spenders = [dev_address(i) for i in SPENDERS]
    registry = bench.contract("VolunteerRegistry").functions
    for spender in spenders:
        bench.send(ADMIN, registry.registerVolunteer(spender, os.urandom(32)))
    bench.one_by_one(spenders, bench.activity(), 0)
    bench.send(ADMIN, alliance.registerMerchant(dev_address(MERCHANT), 1, os.urandom(32)))
    price, valid = 100, (bench.now - DAY, bench.now + 30 * DAY)
    bench.send(MERCHANT, alliance.createOffer(dev_address(MERCHANT), price, 1000, *valid, bytes(32)))
    offer = int(alliance.offerCount().call())
    bench.send(SPENDERS[0], alliance.redeem(offer, 1, price))

    domain = alliance_domain(bench.manifest.chain_id, bench.manifest.address("MerchantAlliance"))

    def voucher(index: int) -> tuple[tuple[object, ...], bytes]:
        signed = RedemptionVoucher(dev_address(index), offer, 1, price, 0, bench.now + DAY)
        signature = sign_typed(dev_private_key(index), signed.typed_data(domain)).to_bytes()
        return (dev_address(index), offer, 1, price, 0, bench.now + DAY), signature

    def mean(run: Callable[[int], int]) -> float:
        return statistics.mean(run(i) for i in SPENDERS[1:])

    return {
        "redemption from the volunteer's wallet (first spend: mints the owed 益币)": mean(
            lambda i: bench.send(i, alliance.redeem(offer, 1, price))
        ),
        "redemption by voucher (merchant submits; the volunteer's first voucher)": mean(
            lambda i: bench.send(MERCHANT, alliance.redeemVoucher(*voucher(i)))
        ),
        "settlement (merchant burns 益币 it received)": mean(lambda _: bench.send(MERCHANT, alliance.settle(price))),
    }


def _gas(value: float | None) -> str:
    return "—" if value is None else f"{round(value):,}"


def _targets(attestations: dict[str, tuple[float | None, float]]) -> list[str]:
    lines = ["| case | measured | target | ratio |", "|---|---:|---:|---:|"]
    for case, path, target in TARGETS:
        one, each = attestations[case]
        value = one if path == "one per transaction" else each
        assert value is not None
        mark = "✓" if value <= target else "✗"
        lines.append(f"| {case}, {path} | {_gas(value)} | ≤ {target:,} | {mark} {value / target:.2f} |")
    return lines


def report(
    w3: Web3,
    manifest: Manifest,
    attestations: dict[str, tuple[float | None, float]],
    others: dict[str, float],
) -> str:
    optimizer = load_artifact("HourLedger").optimizer
    lines = [
        "# Gas per operation (measured)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} by `scripts/bench_gas.py` (`make bench-gas`) on "
        f"{w3.client_version} (london, chain {manifest.chain_id}); solc {manifest.compiler}, "
        f"optimizer {optimizer['runs']} runs. Every number is receipts' `gasUsed` from that run: "
        f"the mean of {SAMPLES} transactions, or a batch's total divided by {BATCH}. Attestations "
        f"are {MINUTES}-minute sessions; their 益币 are owed in the ledger's account slot and minted "
        "at the volunteer's first spend: the wallet redemption includes that mint, and every debit "
        "asks the ledger for owed points.",
        "",
        "## Hour attestations (gas per attestation)",
        "",
        f"| case | one per transaction | each in a batch of {BATCH} |",
        "|---|---:|---:|",
    ]
    lines += [f"| {case} | {_gas(one)} | {_gas(each)} |" for case, (one, each) in attestations.items()]
    lines += [
        f"| reference: EAS + resolver (measured) | ~{EAS_RESOLVER[0]:,} | ~{EAS_RESOLVER[1]:,} |",
        f"| reference: floor (estimate) | ~{FLOOR[0]:,} | ~{FLOOR[1]:,} |",
        "",
        "Batches carry one EIP-712 signature of the organisation's attester over all their items; "
        "one per transaction carries the item's own signature.",
        "",
        "Targets (ratio = measured / target):",
        "",
    ]
    lines += _targets(attestations)
    lines += ["", "## Other operations", "", "| operation | gas |", "|---|---:|"]
    lines += [f"| {operation} | {_gas(gas)} |" for operation, gas in others.items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    with LocalChain() as chain:
        w3 = connect(chain.rpc_url)
        bench = setup(w3)
        attestations = measure_attestations(bench)
        others = {
            "volunteer registration (also writes the status into the ledger's account slot)": statistics.mean(
                bench.registrations
            ),
            "revocation by an auditor (takes back the session's owed 益币)": measure_revocation(bench),
        }
        others |= measure_market(bench)
        text = report(w3, bench.manifest, attestations, others)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text)
    sys.stdout.write(text + f"\n(written to {REPORT.relative_to(PROJECT_ROOT)})\n")


if __name__ == "__main__":
    main()
