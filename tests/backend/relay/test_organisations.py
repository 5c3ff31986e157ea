"""Organisations are isolated (谁组织谁记录): an organiser key belongs to one organisation and sees
and changes only that organisation's activities, codes, lock-outs, volunteers' records and
certificates; anything else is 403 `other_organisation`, with nothing written and no chain call."""

import pytest

from .scenario import Scenario, assert_rejected, row_counts


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


@pytest.fixture
def served(relay, scenario) -> dict:
    """Organisation A's activity where a volunteer served 10 minutes; organisation B's key."""
    activity, volunteer = scenario.activity_and_volunteer()
    checked_out = scenario.serve(activity, volunteer, seconds=10 * 60)
    other = scenario.organisation()
    return {"activity": activity, "volunteer": volunteer, "attestation": checked_out["attestation"],
            "b": relay.headers("organiser", organisation=other)}  # fmt: skip


def _refused(relay, send) -> None:  # type: ignore[no-untyped-def]
    assert_rejected(relay, send, 403, "other_organisation")


def test_another_organisations_key_cannot_read_the_sign_in_code(relay, served):
    activity = served["activity"]
    _refused(relay, lambda: relay.client.get(f"/v1/activities/{activity['id']}/signin-code", headers=served["b"]))
    _refused(relay, lambda: relay.client.get(f"/v1/activities/{activity['id']}", headers=served["b"]))


def test_another_organisations_key_cannot_create_an_activity_under_it(relay, scenario, served):
    activity = served["activity"]
    body = {key: value for key, value in activity.items() if key not in ("id", "status")}
    body["points_per_hour"] = 65_535
    _refused(relay, lambda: relay.client.post("/v1/activities", json=body, headers=served["b"]))


def test_another_organisations_key_cannot_close_its_activity(relay, scenario, served):
    activity = served["activity"]
    _refused(relay, lambda: relay.client.post(f"/v1/activities/{activity['id']}/close", headers=served["b"]))
    body = scenario.check_in_body(activity, scenario.volunteer(own_wallet=True))
    assert scenario.post_check_in(activity["id"], body).status_code == 201  # still open


def test_another_organisations_key_cannot_read_its_volunteers_records(relay, scenario, served):
    volunteer, uid = served["volunteer"], served["attestation"]["uid"]
    _refused(relay, lambda: relay.client.get(f"/v1/volunteers/{volunteer['app_user_id']}", headers=served["b"]))
    _refused(relay, lambda: relay.client.get(f"/v1/attestations/{uid}", headers=served["b"]))
    listed = relay.client.get(f"/v1/volunteers/{volunteer['app_user_id']}/attestations", headers=served["b"])
    assert (listed.status_code, listed.json()["items"]) == (200, [])
    suspend = {"reason": "not yours"}
    path = f"/v1/volunteers/{volunteer['app_user_id']}/suspend"
    _refused(relay, lambda: relay.client.post(path, json=suspend, headers=served["b"]))


def test_another_organisations_key_cannot_issue_its_certificates(relay, served):
    body = {"app_user_id": served["volunteer"]["app_user_id"], "organisation_id": served["activity"]["organisation_id"],
            "from": "2020-01-01", "to": "2030-12-31"}  # fmt: skip
    _refused(relay, lambda: relay.client.post("/v1/certificates", json=body, headers=served["b"]))


def test_the_organisations_own_key_sees_its_records(relay, served):
    own = relay.headers("organiser", organisation=served["activity"]["organisation_id"])
    volunteer = served["volunteer"]
    before = row_counts(relay)
    assert relay.client.get(f"/v1/volunteers/{volunteer['app_user_id']}", headers=own).status_code == 200
    listed = relay.client.get(f"/v1/volunteers/{volunteer['app_user_id']}/attestations", headers=own).json()
    assert [item["uid"] for item in listed["items"]] == [served["attestation"]["uid"]]
    assert relay.client.get(f"/v1/activities/{served['activity']['id']}/signin-code", headers=own).status_code == 200
    assert row_counts(relay) == before
