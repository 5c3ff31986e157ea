"""The relay's fast signing paths give exactly what the generic ones give.

tests/backend/test_eip712.py already holds `FastSigner` byte-identical to eth-account on
random attestations. This file covers what the relay does around it:
- `services.outbox.sign_attestation`: the (r, vs) it stores for a row recover to the attester
  of the row's organisation under the ledger's domain and are eth-account's signature of the same typed data;
- `attest_batch_calldata`: the deployed ledger accepts the organisation's one signature over the
  batch in the hand-rolled attestBatch calldata (a static call on ganache), and nothing once an
  item is altered; tests/backend/chain/test_ledger_batch.py holds that calldata byte-identical
  to web3's encoding and the batch digest to eth-account's;
- the face check's hand-rolled FaceMatch digest: the same signer as eth-account's path for
  every signature, including the unusual ones it hands over to that path.
"""

import os
import random
from types import SimpleNamespace

import pytest
from eth_account import Account
from eth_utils import to_checksum_address

from yilian.chain.eip712 import (
    SECP256K1_N,
    FastSigner,
    Signature,
    ledger_domain,
    recover_signer,
)
from yilian.chain.localchain import dev_address, dev_private_key
from yilian.chain.transactions import Sender
from yilian.relay.config import Settings
from yilian.relay.db.models import Attestation
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.outbox import attest_batch_calldata, sign_attestation, to_eip712
from yilian.relay.verification import FaceAssertion, FakeFaceProvider
from yilian.relay.verification.face import _recover_signer, _recover_signer_reference

ROWS = 300


def random_rows(rng: random.Random, count: int, *, volunteers=None, activity=None, now=None) -> list[Attestation]:  # type: ignore[no-untyped-def]
    """Outbox rows as check-outs store them: any volunteer, activity, session and interval."""
    rows = []
    for i in range(count):
        minutes = rng.randrange(1, 601)
        check_in = now - minutes * 60 - 60 if now else rng.randrange(1_600_000_000, 2**40 - 100_000)
        rows.append(
            Attestation(
                uid="0x" + os.urandom(32).hex(),
                volunteer_address=volunteers[i] if volunteers else to_checksum_address(os.urandom(20)),
                activity_id=activity if activity is not None else rng.randrange(1, 2**64),
                session=0 if volunteers else rng.randrange(16),
                check_in=check_in,
                check_out=check_in + minutes * 60 + rng.randrange(60),
                minutes=minutes,
                evidence_hash="0x" + os.urandom(32).hex(),
                status="pending",
            )
        )
    return rows


def one_attester(signer: FastSigner) -> SimpleNamespace:
    """A RelayChain's `attesters` whose every activity belongs to the organisation of `signer`."""
    return SimpleNamespace(for_activity=lambda db, activity_id: signer, for_organisation=lambda db, org_id: signer)


def signing_chain(key: bytes | str, chain_id: int, ledger: str) -> SimpleNamespace:
    """What `sign_attestation` reads of a RelayChain: the organisations' attesters (here one,
    `attester`) and the ledger's domain."""
    attester = FastSigner(key)
    return SimpleNamespace(attester=attester, attesters=one_attester(attester), domain=ledger_domain(chain_id, ledger))


def test_stored_signatures_recover_to_the_attester_and_equal_eth_accounts():
    rng = random.Random(2098)
    for round_ in range(3):  # three attester keys, three ledgers
        key = os.urandom(32)
        chain = signing_chain(key, rng.randrange(1, 2**64), to_checksum_address(os.urandom(20)))
        for row in random_rows(rng, ROWS // 3):
            sign_attestation(None, chain, row)  # type: ignore[arg-type]

            assert row.status == "signed"
            r, vs = bytes.fromhex(row.signature_r[2:]), bytes.fromhex(row.signature_vs[2:])
            assert len(r) == len(vs) == 32
            stored = Signature.from_compact(r, vs)
            attestation = to_eip712(row)
            assert recover_signer(attestation.digest(chain.domain), stored) == chain.attester.address
            reference = Account.sign_typed_data(key, full_message=attestation.typed_data(chain.domain))
            assert stored.to_bytes() == bytes(reference.signature), f"round {round_}: {row.uid}"


def test_a_signature_does_not_recover_under_another_ledgers_domain():
    rng = random.Random(7)
    chain = signing_chain(os.urandom(32), 1337, "0x" + "11" * 20)
    (row,) = random_rows(rng, 1)
    sign_attestation(None, chain, row)  # type: ignore[arg-type]
    stored = Signature.from_compact(bytes.fromhex(row.signature_r[2:]), bytes.fromhex(row.signature_vs[2:]))
    for domain in (ledger_domain(1338, "0x" + "11" * 20), ledger_domain(1337, "0x" + "12" * 20)):
        assert recover_signer(to_eip712(row).digest(domain), stored) != chain.attester.address


@pytest.fixture
def relay_chain_view(relay_chain) -> RelayChain:  # type: ignore[no-untyped-def]
    """The relay's view of the shared test ganache, built as the relay builds it."""
    chain, manifest = relay_chain
    return RelayChain.from_settings(Settings(rpc_url=chain.rpc_url, manifest_path=manifest))


def test_the_relay_signs_under_the_deployed_ledgers_domain(relay_chain_view):
    ledger = relay_chain_view.ledger
    assert relay_chain_view.domain.separator == bytes(ledger.functions.domainSeparator().call())


def test_the_ledger_accepts_a_batch_the_relay_signed_and_encoded(relay_chain_view):
    """A static call of attestBatch with the relay's calldata: every item accepted, so the batch
    signature verified to the organisation's attester, in the layout the contract decodes."""
    chain, w3 = relay_chain_view, relay_chain_view.w3
    admin = Sender(w3, dev_private_key(0))
    registry = chain.registry.functions
    admin.transact(registry.createOrganisation(os.urandom(32)))
    organisation = registry.organisationCount().call()
    admin.transact(registry.addOrganisationManager(organisation, dev_address(0)))
    attester = FastSigner(os.urandom(32))
    admin.transact(registry.addOrganisationAttester(organisation, attester.address))
    chain.attesters = one_attester(attester)  # type: ignore[assignment]
    now = w3.eth.get_block("latest")["timestamp"]
    admin.transact(registry.createActivity(organisation, 1, now - 86_400, now + 86_400, 600, 10))
    activity = registry.activityCount().call()
    volunteers = [to_checksum_address(os.urandom(20)) for _ in range(12)]
    for volunteer in volunteers:
        admin.transact(registry.registerVolunteer(volunteer, os.urandom(32)))

    rows = random_rows(random.Random(12), len(volunteers), volunteers=volunteers, activity=activity, now=now)
    data = attest_batch_calldata(None, chain, organisation, rows)  # type: ignore[arg-type]
    call = {"from": dev_address(5), "to": chain.ledger.address, "data": data}
    accepted = int.from_bytes(w3.eth.call(call), "big")  # type: ignore[arg-type]

    assert accepted == len(rows)
    # Hex digits before the first item's minutes: 0x, selector, 4-word head, length, 5 fields.
    minutes_word = 2 + 2 * (4 + (4 + 1 + 5) * 32)
    fewer = f"{rows[0].minutes - 1:064x}"  # the signature no longer covers the item
    tampered = data[:minutes_word] + fewer + data[minutes_word + 64 :]
    assert int.from_bytes(w3.eth.call({**call, "data": tampered}), "big") == 0  # type: ignore[arg-type]


# --- the face assertion's signature -------------------------------------------------------------


def _outcome(recover, assertion: FaceAssertion):  # type: ignore[no-untyped-def]
    try:
        return ("signer", recover(assertion))
    except Exception as error:  # noqa: BLE001 - the two paths must fail alike, too
        return ("error", type(error))


def _with_signature(assertion: FaceAssertion, signature: bytes) -> FaceAssertion:
    return assertion.model_copy(update={"signature": "0x" + signature.hex()})


def test_face_signers_agree_with_eth_account():
    rng = random.Random(1)
    checked = 0
    for _ in range(40):
        provider = FakeFaceProvider(os.urandom(32))
        volunteer = to_checksum_address(os.urandom(20))
        assertion = provider.assert_match(volunteer, rng.randrange(2**64), rng.randrange(10_001))
        raw = bytes.fromhex(assertion.signature[2:])
        r, s, v = raw[:32], int.from_bytes(raw[32:64], "big"), raw[64]
        variants = [
            assertion,
            assertion.model_copy(update={"volunteer": volunteer.lower()}),
            assertion.model_copy(update={"volunteer": "0x" + volunteer[2:].upper()}),
            assertion.model_copy(update={"score": assertion.score ^ 1}),  # another message
            _with_signature(assertion, r + raw[32:64] + bytes([v - 27])),  # v as 0/1
            _with_signature(assertion, r + raw[32:64] + bytes([v + 10])),  # v 37/38 (EIP-155 style)
            _with_signature(assertion, r + raw[32:64] + bytes([29])),  # no such v
            _with_signature(assertion, r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])),  # high s
            _with_signature(assertion, bytes(32) + raw[32:]),  # r = 0
            _with_signature(assertion, r + bytes(32) + raw[64:]),  # s = 0
            _with_signature(assertion, SECP256K1_N.to_bytes(32, "big") + raw[32:]),  # r = n
            _with_signature(assertion, os.urandom(64) + bytes([27])),  # noise
        ]
        for variant in variants:
            fast, reference = _outcome(_recover_signer, variant), _outcome(_recover_signer_reference, variant)
            assert fast == reference, variant
            checked += 1
        assert _recover_signer(assertion) == provider.address
    assert checked == 40 * 12
