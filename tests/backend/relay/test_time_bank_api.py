"""The time bank through the relay: a volunteer banks hours, gives credits to a parent, the
parent asks for companionship, another volunteer serves it, and the parent's credits fall by
exactly the served time. Nothing moves on an app key alone."""

import pytest

from tests.backend.relay.conftest import Relay
from tests.backend.relay.scenario import VENUE, Scenario, assert_error
from yilian.chain.protocol import TIME_BANK_SERVICE_CATEGORY
from yilian.relay.verification import FakeFaceProvider

SERVICE_CATEGORY = TIME_BANK_SERVICE_CATEGORY

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def scenario(relay: Relay, face_provider: FakeFaceProvider) -> Scenario:
    return Scenario(relay, face_provider)


def prepare(scenario: Scenario, volunteer: dict, kind: str, **terms: object) -> dict:
    path = f"/v1/volunteers/{volunteer['app_user_id']}/time-bank/moves/prepare"
    response = scenario.post(path, {"kind": kind, "terms": terms})
    assert response.status_code == 200, response.text
    return response.json()


def approve(scenario: Scenario, volunteer: dict, move: dict, terms: dict, **approval: object) -> object:
    body = {"kind": move["kind"], "terms": terms, "deadline": move["deadline"], **approval}
    return scenario.post(f"/v1/volunteers/{volunteer['app_user_id']}/time-bank/moves", body)


def move(scenario: Scenario, volunteer: dict, kind: str, **terms: object) -> dict:
    """Prepares `kind` and approves it with the volunteer's fresh face match on its digest."""
    prepared = prepare(scenario, volunteer, kind, **terms)
    assert prepared["approve_with"] == "face_assertion"
    face = scenario.face.assert_match(volunteer["address"], int(scenario.relay.clock()), 9500, nonce=prepared["digest"])
    response = approve(scenario, volunteer, prepared, terms, face_assertion=face.model_dump())
    assert response.status_code == 200, response.text
    return response.json()


def credits(scenario: Scenario, volunteer: dict) -> dict:
    headers = scenario.relay.headers("app")
    response = scenario.relay.client.get(f"/v1/volunteers/{volunteer['app_user_id']}/time-credits", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def service_activity(scenario: Scenario, organisation: int) -> dict:
    now = int(scenario.relay.clock())
    body = {
        "organisation_id": organisation, "name": "陪伴老人", "category": SERVICE_CATEGORY,
        "starts_at": now - 600, "ends_at": now + 4 * 3600, "geofence": {**VENUE, "radius_m": 200},
        "minute_cap": 240, "points_per_hour": 10,
    }  # fmt: skip
    headers = scenario.relay.headers("organiser", organisation=organisation)
    response = scenario.relay.client.post("/v1/activities", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def linked_family(scenario: Scenario, organisation: int, child: dict, parent: dict) -> None:
    move(scenario, child, "FamilyConsent", relative=parent["app_user_id"])
    move(scenario, parent, "FamilyConsent", relative=child["app_user_id"])
    body = {"app_user_id": child["app_user_id"], "relative": parent["app_user_id"]}
    response = scenario.post(
        "/v1/time-bank/family-links", body, scenario.relay.headers("organiser", organisation=organisation)
    )
    assert response.status_code == 200, response.text
    assert response.json()["linked"] is True


def test_banked_hours_given_to_a_parent_pay_for_companionship_served(scenario: Scenario) -> None:
    organisation = scenario.organisation()
    child, parent, companion = scenario.volunteer(), scenario.volunteer(), scenario.volunteer()
    scenario.serve(scenario.activity(organisation), child, 90 * 60)
    scenario.settle()
    banked = credits(scenario, child)
    assert banked["credit_minutes"] == 90
    assert banked["items"][0]["kind"] == "earned" and banked["items"][0]["uid"].startswith("0x")

    linked_family(scenario, organisation, child, parent)
    assert move(scenario, child, "FamilyGift", to=parent["app_user_id"], minutes=60)["credit_minutes"] == 30

    service = service_activity(scenario, organisation)
    move(scenario, parent, "ServiceRequest", activity_id=service["id"])
    scenario.serve(service, companion, 40 * 60)
    scenario.settle()
    history = credits(scenario, parent)
    assert history["credit_minutes"] == 20
    assert [(entry["kind"], entry["minutes"]) for entry in history["items"]] == [
        ("received", 60),
        ("service_paid", -40),
    ]
    assert credits(scenario, companion)["credit_minutes"] == 40


def test_an_app_key_alone_moves_no_credits(scenario: Scenario) -> None:
    organisation = scenario.organisation()
    holder, other = scenario.volunteer(), scenario.volunteer()
    scenario.serve(scenario.activity(organisation), holder, 30 * 60)
    scenario.settle()
    terms = {"minutes": 30}
    prepared = prepare(scenario, holder, "PoolDonation", **terms)
    assert_error(approve(scenario, holder, prepared, terms), 422, "approval_required")
    # A face match of the holder that approves something else (a fresh random nonce).
    face = scenario.face.assert_match(holder["address"], int(scenario.relay.clock()), 9500)
    assert_error(approve(scenario, holder, prepared, terms, face_assertion=face.model_dump()), 403, "approval_mismatch")
    # Another volunteer's face match on the right digest.
    face = scenario.face.assert_match(other["address"], int(scenario.relay.clock()), 9500, nonce=prepared["digest"])
    response = approve(scenario, holder, prepared, terms, face_assertion=face.model_dump())
    assert_error(response, 422, "face_volunteer_mismatch")
    assert credits(scenario, holder)["credit_minutes"] == 30


def test_a_gift_without_a_confirmed_family_link_is_refused(scenario: Scenario) -> None:
    organisation = scenario.organisation()
    holder, stranger = scenario.volunteer(), scenario.volunteer()
    scenario.serve(scenario.activity(organisation), holder, 30 * 60)
    scenario.settle()
    terms = {"to": stranger["app_user_id"], "minutes": 10}
    prepared = prepare(scenario, holder, "FamilyGift", **terms)
    face = scenario.face.assert_match(holder["address"], int(scenario.relay.clock()), 9500, nonce=prepared["digest"])
    response = approve(scenario, holder, prepared, terms, face_assertion=face.model_dump())
    assert_error(response, 409, "chain_rejected")
    assert response.json()["details"][0]["code"] == "TimeBankNotFamily"
    assert credits(scenario, holder)["credit_minutes"] == 30
