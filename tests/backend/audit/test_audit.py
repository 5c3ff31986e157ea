"""The audit after a real journey: clean as it happened, and each way of tampering with the
relay's records caught, naming the uid, with exit code 1."""

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from yilian.audit.progress import Progress
from yilian.audit.run import run_audit
from yilian.audit.scanner import ChainEvent
from yilian.audit.state import ZERO_ADDRESS
from yilian.chain.eip712 import uid as session_uid
from yilian.chain.localchain import dev_address
from yilian.cli.main import app
from yilian.relay.db.models import Attestation, CheckIn
from yilian.relay.db.session import transaction

from .journey import AUDITOR, MERCHANT, OFFER_PRICE, REVOKED, SETTLED, Journey


def audit(journey: Journey, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    args = ["audit", "--rpc-url", journey.rpc_url, "--manifest", str(journey.manifest_path),
            "--relay-db", journey.database_url, "--out", str(out), *extra]  # fmt: skip
    return CliRunner().invoke(app, args)


def test_the_journey_audits_clean_and_exports_what_happened(journey: Journey, tmp_path: Path) -> None:
    result = audit(journey, tmp_path)

    assert result.exit_code == 0, result.output
    assert "CLEAN" in result.output
    assert json.loads((tmp_path / "findings.json").read_text()) == []
    with (tmp_path / "volunteers.csv").open() as rows:
        minutes = {row["address"]: int(row["minutes"]) for row in csv.DictReader(rows)}
    assert minutes == {v["address"]: journey.minutes_of(v["address"]) for v in journey.volunteers}
    with (tmp_path / "events.csv").open() as rows:
        attested = [row["uid"] for row in csv.DictReader(rows) if row["event"] == "HoursAttested"]
    assert sorted(attested) == sorted(s.uid for s in journey.sessions)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["attestations_revoked"] == 1
    assert (summary["yicoin_redeemed"], summary["yicoin_settled"]) == (OFFER_PRICE, SETTLED)


def test_the_rebuilt_state_is_the_journey(journey: Journey) -> None:
    state = run_audit(journey.w3, journey.manifest).progress.state

    revoked = next(s for s in journey.sessions if s.revoked)
    minted = sum(s.points for s in journey.sessions)
    assert state.minutes_by_activity == {
        a["id"]: sum(s.minutes for s in journey.standing() if s.activity_id == a["id"]) for a in journey.activities
    }
    assert state.total_supply == minted - revoked.points - SETTLED
    assert state.balances[dev_address(MERCHANT)] == OFFER_PRICE - SETTLED
    buyer = journey.volunteers[0]["address"]
    assert state.balances[buyer] == sum(s.points for s in journey.standing() if s.volunteer == buyer) - OFFER_PRICE
    assert [(r["uid"], r["auditor"]) for r in state.revocations] == [(revoked.uid, dev_address(AUDITOR))]


def test_the_first_spend_settles_owed_points_without_new_supply(journey: Journey) -> None:
    """The buyer's redemption minted all her points at once (Transfer from 0x0); the session
    revoked afterwards was burned from minted 益币; the others' points are still owed."""
    state = run_audit(journey.w3, journey.manifest).progress.state

    buyer = journey.volunteers[0]["address"]
    earned_by = {v["address"]: sum(s.points for s in journey.sessions if s.volunteer == v["address"])
                 for v in journey.volunteers}  # fmt: skip
    assert state.minted == earned_by[buyer]
    assert state.owed == {**earned_by, buyer: 0}
    assert state.points_revoked_while_owed == 0
    assert state.total_supply == sum(earned_by.values()) - journey.sessions[REVOKED].points - SETTLED
    assert state.totals_findings(journey.w3.eth.block_number) == []


def test_the_buyers_balance_history_shows_each_change_once(journey: Journey) -> None:
    """The relay's history: earned when the hours are confirmed, not when the redemption mints
    them; the revocation once (its HoursRevoked, not also the burn's Transfer); it sums to the
    balance the audit rebuilds."""
    buyer = journey.volunteers[0]
    path = f"/v1/volunteers/{buyer['app_user_id']}/balance-history"
    history = journey.relay.client.get(path, headers=journey.relay.headers("app")).json()["items"]

    changes = [(h["kind"], h["amount"]) for h in history]
    assert changes[:2] == [("burned", -journey.sessions[REVOKED].points), ("spent", -OFFER_PRICE)]
    assert sorted(changes[2:]) == sorted(
        ("earned", s.points) for s in journey.sessions if s.volunteer == buyer["address"]
    )
    state = run_audit(journey.w3, journey.manifest).progress.state
    assert sum(amount for _, amount in changes) == state.balances[buyer["address"]]


def test_a_revocation_of_owed_points_burns_nothing_and_audits_clean(journey: Journey, tmp_path: Path) -> None:
    owed = next(s for s in journey.standing() if s.volunteer != journey.volunteers[0]["address"])
    ledger = journey.contract("HourLedger")
    journey.send(AUDITOR, ledger.functions.revoke(owed.volunteer, owed.activity_id, owed.session, "复核未通过"))

    result = audit(journey, tmp_path)

    assert result.exit_code == 0, result.output
    state = run_audit(journey.w3, journey.manifest).progress.state
    assert state.points_revoked_while_owed == owed.points
    assert state.revocations[-1]["points_burned"] == owed.points
    assert state.owed[owed.volunteer] == sum(s.points for s in journey.standing() if s.volunteer == owed.volunteer) - (
        owed.points
    )


def test_a_mint_no_attestation_accounts_for_is_flagged(journey: Journey) -> None:
    state = run_audit(journey.w3, journey.manifest).progress.state
    volunteer = journey.volunteers[2]["address"]
    block = journey.w3.eth.block_number
    forged = {"from": ZERO_ADDRESS, "to": volunteer, "value": state.owed[volunteer] + 1}

    state.apply(ChainEvent("YiCoin", "Transfer", block, 0, "0x" + "00" * 32, 0, forged))

    findings = state.totals_findings(block)
    assert [f.kind for f in findings] == ["unattested_mint", "mint_mismatch"]
    assert findings[0].address == volunteer


def _alter_evidence_hash(journey: Journey, session) -> str:  # type: ignore[no-untyped-def]
    uid = journey.sessions[0].uid
    session.execute(update(Attestation).where(Attestation.uid == uid).values(evidence_hash="0x" + "ab" * 32))
    return uid


def _alter_minutes(journey: Journey, session) -> str:  # type: ignore[no-untyped-def]
    uid = journey.sessions[2].uid
    session.execute(update(Attestation).where(Attestation.uid == uid).values(minutes=Attestation.minutes + 15))
    return uid


def _delete_record(journey: Journey, session) -> str:  # type: ignore[no-untyped-def]
    uid = journey.sessions[3].uid
    session.execute(delete(Attestation).where(Attestation.uid == uid))
    return uid


def _invent_record(journey: Journey, session) -> str:  # type: ignore[no-untyped-def]
    """A confirmed attestation for a session that never happened, consistent in itself."""
    real = session.scalar(select(Attestation).where(Attestation.uid == journey.sessions[4].uid))
    visit = session.get(CheckIn, real.check_in_id)
    invented = "0x" + session_uid(real.volunteer_address, real.activity_id, 9).hex()
    session.add(CheckIn(
        id="invented", volunteer_id=visit.volunteer_id, activity_id=visit.activity_id, session=9,
        checked_in_at=visit.checked_in_at, checked_out_at=visit.checked_out_at, face_nonce="0x" + "99" * 32,
        check_in_received_at=visit.check_in_received_at, last_presence_at=visit.last_presence_at,
        evidence=visit.evidence, status="closed",
    ))  # fmt: skip
    session.flush()
    session.add(Attestation(
        uid=invented, check_in_id="invented", volunteer_address=real.volunteer_address,
        activity_id=real.activity_id, session=9, check_in=real.check_in, check_out=real.check_out,
        minutes=real.minutes, evidence_hash=real.evidence_hash, status="confirmed",
        tx_hash=real.tx_hash, block_number=real.block_number,
    ))  # fmt: skip
    return invented


def _alter_evidence(journey: Journey, session) -> str:  # type: ignore[no-untyped-def]
    uid = journey.sessions[1].uid
    row = session.get(Attestation, uid)
    visit = session.get(CheckIn, row.check_in_id)
    bundle = json.loads(visit.evidence)
    bundle["check_in"]["latitude"] += 0.01  # moved inside the geofence after the fact
    visit.evidence = json.dumps(bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return uid


@pytest.mark.parametrize(
    ("tamper", "kinds"),
    [
        (_alter_evidence_hash, {"evidence_hash_mismatch", "evidence_bundle_mismatch"}),
        (_alter_minutes, {"minutes_mismatch"}),
        (_delete_record, {"unknown_to_relay"}),
        (_invent_record, {"confirmed_not_on_chain"}),
        (_alter_evidence, {"evidence_bundle_mismatch"}),
    ],
    ids=["evidence-hash", "minutes", "deleted", "invented", "evidence-bundle"],
)
def test_a_tampered_relay_record_is_caught_by_uid(journey: Journey, tmp_path: Path, tamper, kinds) -> None:  # type: ignore[no-untyped-def]
    with transaction(journey.relay.sessions) as session:
        uid = tamper(journey, session)

    result = audit(journey, tmp_path)

    assert result.exit_code == 1, result.output
    assert uid in result.output
    findings = json.loads((tmp_path / "findings.json").read_text())
    assert {f["kind"] for f in findings} == kinds
    assert {f["uid"] for f in findings} == {uid}


def test_a_resumed_scan_gives_what_a_full_scan_gives(journey: Journey, tmp_path: Path) -> None:
    checkpoint = tmp_path / "audit.checkpoint.json"
    deployed = min(c.block_number for c in journey.manifest.contracts.values())
    middle = (deployed + journey.w3.eth.block_number) // 2

    first = audit(
        journey, tmp_path / "first", "--checkpoint", str(checkpoint), "--to-block", str(middle), "--chunk-size", "3"
    )
    # Clean too: relay records confirmed after `middle` are left to the next run.
    assert first.exit_code == 0, first.output
    assert Progress.load(checkpoint).last_block == middle
    resumed = audit(journey, tmp_path / "resumed", "--checkpoint", str(checkpoint), "--chunk-size", "4")
    full = audit(journey, tmp_path / "full", "--chunk-size", "1000")

    assert (resumed.exit_code, full.exit_code) == (0, 0), resumed.output + full.output
    rescanned = run_audit(journey.w3, journey.manifest).progress.state
    assert Progress.load(checkpoint).state.to_dict() == rescanned.to_dict()
    for name in ("volunteers.csv", "activities.csv", "attestations.csv", "balances.csv", "revocations.csv"):
        assert (tmp_path / "resumed" / name).read_text() == (tmp_path / "full" / name).read_text(), name
    resumed_events = (tmp_path / "resumed" / "events.csv").read_text().splitlines()[1:]
    first_events = (tmp_path / "first" / "events.csv").read_text().splitlines()[1:]
    assert first_events + resumed_events == (tmp_path / "full" / "events.csv").read_text().splitlines()[1:]


def test_usage_and_connection_errors_exit_with_2(journey_chain, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chain, manifest = journey_chain
    runner = CliRunner()

    unreachable = runner.invoke(app, ["audit", "--rpc-url", "http://127.0.0.1:9", "--manifest", str(manifest)])
    missing = runner.invoke(app, ["audit", "--rpc-url", chain.rpc_url, "--manifest", str(tmp_path / "none.json")])
    beyond = runner.invoke(
        app, ["audit", "--rpc-url", chain.rpc_url, "--manifest", str(manifest), "--to-block", "99999"]
    )
    bad_option = runner.invoke(app, ["audit", "--chunk-size", "0"])

    assert [r.exit_code for r in (unreachable, missing, beyond, bad_option)] == [2, 2, 2, 2]
    assert "no chain answers" in unreachable.output and "does not exist yet" in beyond.output
