"""Each organisation signs its own sessions ("谁组织谁记录"): the relay creates an attester key per
organisation, keeps it encrypted, registers it on chain, and signs each batch, one organisation's
sessions, with that organisation's key. Organisation A's key cannot create hours in B's activities."""

from sqlalchemy import select

from yilian.chain.eip712 import FastSigner
from yilian.relay.db.models import Activity, OrganisationAttester
from yilian.relay.db.session import transaction
from yilian.relay.worker import wait_until_idle

from .harness import attestation_rows, attested, queue_attestations, rejections, worker_of
from .scenario import Scenario, assert_rejected


def relay_attester(relay, organisation_id: int) -> OrganisationAttester:  # type: ignore[no-untyped-def]
    """The attester whose key the relay holds for the organisation."""
    with relay.sessions() as db:
        return db.scalars(
            select(OrganisationAttester).where(
                OrganisationAttester.organisation_id == organisation_id,
                OrganisationAttester.custodial_keystore.is_not(None),
            )
        ).one()


def test_a_new_organisation_gets_its_own_encrypted_attester_key_registered_on_chain(relay, face_provider):
    scenario = Scenario(relay, face_provider)
    first, second = scenario.organisation(), scenario.organisation()
    keys = {organisation: relay_attester(relay, organisation) for organisation in (first, second)}
    registry = relay.chain.registry.functions

    assert keys[first].address != keys[second].address
    for organisation, key in keys.items():
        other = second if organisation == first else first
        assert registry.isOrganisationAttester(organisation, key.address).call()
        assert not registry.isOrganisationAttester(other, key.address).call()
        with relay.sessions() as db:
            private_key = relay.chain.attesters.key_of(db, organisation)
        assert FastSigner(private_key).address == key.address
        assert private_key[2:] not in key.custodial_keystore, "the keystore holds the key encrypted"


def test_organisation_a_key_cannot_create_hours_in_organisation_b_activity(relay, face_provider):
    """A relay database that files B's activity under A (tampered, or corrupted) puts B's session
    in A's batch, signed with A's key: the chain refuses that item, and only that item."""
    scenario = Scenario(relay, face_provider)
    activity_a, activity_b = scenario.open_activity(), scenario.open_activity()
    (honest,) = queue_attestations(scenario, activity_a, [scenario.volunteer(own_wallet=True)], minutes=5)
    (forged,) = queue_attestations(scenario, activity_b, [scenario.volunteer(own_wallet=True)], minutes=5)
    chain, since = relay.chain, relay.chain.w3.eth.block_number
    with transaction(relay.sessions) as db:
        db.get(Activity, activity_b["id"]).organisation_id = activity_a["organisation_id"]  # type: ignore[union-attr]

    wait_until_idle(worker_of(relay), timeout_s=30)

    rows = attestation_rows(relay.sessions, [honest["uid"], forged["uid"]])
    refused = rows[forged["uid"]]
    assert (refused.status, refused.rejection) == ("rejected", "signer_not_organisation_attester")
    assert rows[honest["uid"]].status == "confirmed"
    assert rows[honest["uid"]].tx_hash == refused.tx_hash, "one batch, of organisation A"
    assert attested(chain.ledger, since) == {honest["uid"]: 1}
    assert rejections(chain.ledger, since) == [(forged["uid"], "signer_not_organisation_attester")]
    assert chain.ledger.functions.minutesServed(forged["volunteer"]).call() == 0


def test_each_batch_holds_one_organisations_sessions_signed_with_its_key(relay, face_provider):
    scenario = Scenario(relay, face_provider)
    activities = [scenario.open_activity() for _ in range(2)]
    queued = {
        activity["organisation_id"]: queue_attestations(
            scenario, activity, [scenario.volunteer(own_wallet=True) for _ in range(2)]
        )
        for activity in activities
    }

    wait_until_idle(worker_of(relay), timeout_s=30)

    for organisation, items in queued.items():
        rows = attestation_rows(relay.sessions, [item["uid"] for item in items])
        assert {row.status for row in rows.values()} == {"confirmed"}
        (tx_hash,) = {row.tx_hash for row in rows.values()}
        attester = relay.chain.w3.eth.get_transaction(tx_hash)["input"][4 + 32 : 4 + 64][12:]
        assert "0x" + bytes(attester).hex() == relay_attester(relay, organisation).address.lower()


def test_an_external_signer_is_registered_on_chain_for_its_organisation(relay, face_provider):
    organisation = Scenario(relay, face_provider).organisation()
    external = FastSigner("0x" + "e5" * 32).address
    response = relay.client.post(
        f"/v1/organisations/{organisation}/attesters", json={"address": external}, headers=relay.headers("admin")
    )

    assert response.status_code == 201, response.text
    assert response.json()["held_by_relay"] is False
    assert relay.chain.registry.functions.isOrganisationAttester(organisation, external).call()
    own = relay.headers("organiser", organisation=organisation)
    listed = relay.client.get(f"/v1/organisations/{organisation}/attesters", headers=own)
    assert [(a["address"], a["held_by_relay"]) for a in listed.json()] == [
        (relay_attester(relay, organisation).address, True), (external, False),
    ]  # fmt: skip


def test_external_signer_refusals_write_nothing(relay, face_provider):
    organisation = Scenario(relay, face_provider).organisation()
    own = relay_attester(relay, organisation).address

    def add(organisation_id: int, address: str | None, role: str = "admin"):  # type: ignore[no-untyped-def]
        path = f"/v1/organisations/{organisation_id}/attesters"
        headers = relay.headers(role, organisation=organisation)  # an organiser: its own organisation's key
        return lambda: relay.client.post(path, json={"address": address}, headers=headers)

    assert_rejected(relay, add(organisation, "0x1234"), 422, "invalid_address")
    assert_rejected(relay, add(organisation, own), 409, "attester_exists")
    assert_rejected(relay, add(organisation, None), 409, "attester_exists")  # the relay holds its key already
    assert_rejected(relay, add(999_999, own), 404, "organisation_not_found")
    assert_rejected(relay, add(organisation, own, "organiser"), 403, "wrong_role")


def test_an_activity_above_the_chains_points_ceiling_is_refused_before_sending(relay, face_provider):
    scenario = Scenario(relay, face_provider)
    organisation = scenario.organisation()
    ceiling = relay.chain.registry.functions.pointsCeiling().call()
    activities = relay.chain.registry.functions.activityCount().call()
    body = {"organisation_id": organisation, "name": "湿地清洁", "category": 1, "starts_at": 1, "ends_at": 2,
            "geofence": {"latitude": 30.27, "longitude": 120.15, "radius_m": 200}, "minute_cap": 60,
            "points_per_hour": ceiling + 1}  # fmt: skip

    own = relay.headers("organiser", organisation=organisation)
    assert_rejected(
        relay, lambda: relay.client.post("/v1/activities", json=body, headers=own), 422, "points_above_ceiling"
    )
    assert relay.chain.registry.functions.activityCount().call() == activities
