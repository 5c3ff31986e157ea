"""A batch with items the ledger refuses: the batch still goes through, the refused items end
`rejected` with the chain's reason, the others `confirmed`."""

from yilian.relay.db.models import Activity, Attestation
from yilian.relay.db.session import transaction
from yilian.relay.worker import wait_until_idle

from .harness import attestation_rows, attested, queue_attestations, rejections, worker_of
from .scenario import Scenario

MINUTE_CAP = 10


def test_refused_items_are_rejected_with_the_chains_reason_and_the_rest_confirmed(relay, face_provider):
    scenario = Scenario(relay, face_provider)
    activity = scenario.open_activity(minute_cap=MINUTE_CAP)
    good = queue_attestations(scenario, activity, [scenario.volunteer() for _ in range(2)], minutes=5)
    foreign_activity = scenario.open_activity()  # another organisation's
    (forged,) = queue_attestations(scenario, foreign_activity, [scenario.volunteer()], minutes=5)
    (over_cap,) = queue_attestations(scenario, activity, [scenario.volunteer()], minutes=20)
    assert over_cap["minutes"] == MINUTE_CAP, "the relay caps what it signs"
    chain, since = relay.chain, relay.chain.w3.eth.block_number
    with transaction(relay.sessions) as session:
        # A bug or a tampered database: signed by the relay anyway, in this organisation's batch.
        session.get(Activity, foreign_activity["id"]).organisation_id = activity["organisation_id"]  # type: ignore[union-attr]
        session.get(Attestation, over_cap["uid"]).minutes = MINUTE_CAP + 5  # type: ignore[union-attr]

    wait_until_idle(worker_of(relay), timeout_s=30)

    rows = attestation_rows(relay.sessions, [a["uid"] for a in (*good, forged, over_cap)])
    assert len({row.chain_tx_id for row in rows.values()}) == 1, "one batch"
    assert chain.w3.eth.get_transaction_receipt(rows[forged["uid"]].tx_hash)["status"] == 1
    assert {uid: (row.status, row.rejection) for uid, row in rows.items()} == {
        good[0]["uid"]: ("confirmed", None),
        good[1]["uid"]: ("confirmed", None),
        forged["uid"]: ("rejected", "signer_not_organisation_attester"),
        over_cap["uid"]: ("rejected", "over_minute_cap"),
    }
    assert attested(chain.ledger, since) == {good[0]["uid"]: 1, good[1]["uid"]: 1}
    assert sorted(rejections(chain.ledger, since)) == sorted(
        [(forged["uid"], "signer_not_organisation_attester"), (over_cap["uid"], "over_minute_cap")]
    )
