"""Attestation signing on one core: FastSigner (the relay's path) against eth-account's generic
EIP-712 encoding, on the same random attestations; signatures compared byte for byte."""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from types import SimpleNamespace

from eth_account import Account
from eth_utils import to_checksum_address

from yilian.chain.eip712 import FastSigner, HourAttestation, ledger_domain
from yilian.chain.localchain import dev_private_key
from yilian.relay.db.models import Attestation
from yilian.relay.services.outbox import sign_attestation


@dataclass
class SigningResult:
    count: int
    fast_per_s: float  # FastSigner.sign_attestation: digest + coincurve
    relay_per_s: float  # services.outbox.sign_attestation on stored rows (validation, hex)
    reference_count: int
    reference_per_s: float  # eth-account encode_typed_data + sign (Account.sign_typed_data)
    identical: bool


def _attestations(count: int, rng: random.Random) -> list[HourAttestation]:
    out = []
    for _ in range(count):
        check_in = rng.randrange(1_700_000_000, 1_900_000_000)
        minutes = rng.randrange(1, 600)
        out.append(HourAttestation(
            to_checksum_address(os.urandom(20)), rng.randrange(1, 2**40), rng.randrange(16),
            check_in, check_in + minutes * 60 + rng.randrange(60), minutes, os.urandom(32),
        ))  # fmt: skip
    return out


def measure(count: int = 20_000, reference_count: int = 1_000) -> SigningResult:
    rng = random.Random(7)
    key = dev_private_key(1)
    domain = ledger_domain(1337, "0x" + "5f" * 20)
    items = _attestations(count, rng)
    signer = FastSigner(key)

    started = time.perf_counter()
    fast = [signer.sign_attestation(item, domain) for item in items]
    fast_elapsed = time.perf_counter() - started

    # Every row's activity belongs to one organisation, whose key is `signer`.
    chain = SimpleNamespace(attesters=SimpleNamespace(for_activity=lambda db, activity: signer), domain=domain)
    rows = [
        Attestation(
            volunteer_address=a.volunteer,
            activity_id=a.activity_id,
            session=a.session,
            check_in=a.check_in,
            check_out=a.check_out,
            minutes=a.service_minutes,
            evidence_hash="0x" + a.evidence_hash.hex(),
        )  # fmt: skip
        for a in items
    ]
    started = time.perf_counter()
    for row in rows:
        sign_attestation(None, chain, row)  # type: ignore[arg-type]
    relay_elapsed = time.perf_counter() - started

    sample = items[:reference_count]
    started = time.perf_counter()
    reference = [Account.sign_typed_data(key, full_message=item.typed_data(domain)) for item in sample]
    reference_elapsed = time.perf_counter() - started

    identical = all(f.to_bytes() == bytes(r.signature) for f, r in zip(fast, reference, strict=False)) and all(
        (row.signature_r, row.signature_vs) == tuple("0x" + part.hex() for part in f.compact())
        for row, f in zip(rows, fast, strict=True)
    )
    return SigningResult(
        count, count / fast_elapsed, count / relay_elapsed, len(sample), len(sample) / reference_elapsed, identical
    )
