"""Each organisation signs its own sessions ("谁组织谁记录"): the relay creates an attester key per
organisation, keeps it encrypted, registers it on chain, and signs each session with the key of
the activity's organisation. Organisation A's key cannot create hours in B's activities."""

from sqlalchemy import select

from yilian.chain.eip712 import FastSigner
from yilian.relay.db.models import Attestation, OrganisationAttester
from yilian.relay.db.session import transaction
from yilian.relay.services.outbox import to_eip712
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
    scenario = Scenario(relay, face_provider)
    organisation_a = scenario.organisation()
    activity_b = scenario.open_activity()
    honest, (forged,) = (queue_attestations(scenario, activity_b, [scenario.volunteer(own_wallet=True)], minutes=5)
                         for _ in range(2))  # fmt: skip
    chain, since = relay.chain, relay.chain.w3.eth.block_number
    with transaction(relay.sessions) as db:
        row = db.get(Attestation, forged["uid"])
        key_a = FastSigner(chain.attesters.key_of(db, organisation_a))  # a leaked or misused key
        row.signature_r, row.signature_vs = ("0x" + part.hex() for part in key_a.sign_attestation(
            to_eip712(row), chain.domain).compact())  # fmt: skip

    wait_until_idle(worker_of(relay), timeout_s=30)

    rows = attestation_rows(relay.sessions, [honest[0]["uid"], forged["uid"]])
    refused = rows[forged["uid"]]
    assert (refused.status, refused.rejection) == ("rejected", "signer_not_organisation_attester")
    assert rows[honest[0]["uid"]].status == "confirmed"
    assert attested(chain.ledger, since) == {honest[0]["uid"]: 1}
    assert rejections(chain.ledger, since) == [(forged["uid"], "signer_not_organisation_attester")]
    assert chain.ledger.functions.minutesServed(forged["volunteer"]).call() == 0


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
