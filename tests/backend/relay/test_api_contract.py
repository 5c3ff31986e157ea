"""The API contract's refusals: values beyond what the database and the chain can hold are 422s
naming the field (never 500 or 503), the framework's own errors answer the relay's envelope, a
contract refusal comes back decoded, and the OpenAPI document says all of it."""

import json

import pytest
from fastapi.testclient import TestClient

from yilian.chain.localchain import dev_private_key
from yilian.chain.transactions import Sender
from yilian.relay.api.deps import get_clock
from yilian.relay.db.migrate import upgrade

from .scenario import VENUE, Scenario, assert_error, assert_rejected, row_counts

TOO_BIG_ID = 2**63  # one past the signed 64-bit columns


@pytest.fixture
def database_url(tmp_path):
    """SQLite only: these are checks of the HTTP edge, not of the database."""
    url = f"sqlite:///{tmp_path / 'relay.db'}"
    upgrade(url)
    return url


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def _field_problem(response, loc: list, code: str) -> None:
    assert {"loc": loc, "code": code} in [
        {"loc": detail["loc"], "code": detail["code"]} for detail in response.json()["details"]
    ], response.text


def _activity_body(organisation_id: int, **changes: object) -> dict:
    body = {
        "organisation_id": organisation_id, "name": "湿地清洁", "category": 1,
        "starts_at": 1_900_000_000, "ends_at": 1_900_003_600,
        "geofence": {**VENUE, "radius_m": 200}, "minute_cap": 60, "points_per_hour": 10,
    }  # fmt: skip
    return body | changes


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/v1/activities/{TOO_BIG_ID}"),
        ("GET", f"/v1/activities/{TOO_BIG_ID}/signin-code"),
        ("POST", f"/v1/activities/{TOO_BIG_ID}/close"),
        ("GET", "/v1/activities/0"),
    ],
)
def test_ids_beyond_signed_64_bits_in_the_path_are_refused(relay, scenario, method: str, path: str):
    headers = relay.headers("organiser", organisation=scenario.organisation())
    response = relay.client.request(method, path, headers=headers)
    assert_error(response, 422, "invalid_request")
    _field_problem(response, ["path", "activity_id"], "out_of_range")


def test_ids_beyond_signed_64_bits_in_the_body_are_refused(relay, scenario):
    body, headers = _activity_body(TOO_BIG_ID), relay.headers("organiser", organisation=scenario.organisation())
    send = lambda: relay.client.post("/v1/activities", json=body, headers=headers)  # noqa: E731
    _field_problem(assert_rejected(relay, send, 422, "invalid_request"), ["body", "organisation_id"], "out_of_range")


def test_window_outside_uint40_is_refused_before_the_chain(relay, scenario):
    organisation = scenario.organisation()
    body = _activity_body(organisation, starts_at=-5, ends_at=2**40)
    headers = relay.headers("organiser", organisation=organisation)
    send = lambda: relay.client.post("/v1/activities", json=body, headers=headers)  # noqa: E731
    response = assert_rejected(relay, send, 422, "invalid_request")
    _field_problem(response, ["body", "starts_at"], "out_of_range")
    _field_problem(response, ["body", "ends_at"], "out_of_range")


def test_infinite_radius_is_refused(relay, scenario):
    # JSON's 1e999 parses to infinity: once stored, the relay could not even answer with it.
    organisation = scenario.organisation()
    text = json.dumps(_activity_body(organisation)).replace('"radius_m": 200', '"radius_m": 1e999')
    send = lambda: scenario.post("/v1/activities", text, relay.headers("organiser", organisation=organisation))  # noqa: E731
    _field_problem(
        assert_rejected(relay, send, 422, "invalid_request"), ["body", "geofence", "radius_m"], "out_of_range"
    )


def test_an_oversized_idempotency_key_is_refused(relay, scenario):
    headers = relay.headers("app", idempotency_key="k" * 60_000)
    response = scenario.registration_refused(scenario.volunteer_body(), 422, "invalid_request", headers)
    _field_problem(response, ["header", "idempotency-key"], "too_long")


def test_an_offer_beyond_year_9999_is_refused(relay):
    body = {"price": 500, "stock": 1, "valid_from": 0, "valid_until": 2**40 - 1, "metadata_hash": "0x" + "ab" * 32}
    address = "0x" + "11" * 20
    response = relay.client.post(f"/v1/merchants/{address}/offers", json=body, headers=relay.headers("admin"))
    assert_error(response, 422, "invalid_request")
    _field_problem(response, ["body", "valid_until"], "out_of_range")


def test_statistics_for_year_one_are_refused(relay):
    response = relay.client.get("/v1/stats", params={"from": "0001-01-01"}, headers=relay.headers("auditor"))
    assert_error(response, 422, "invalid_request")
    _field_problem(response, ["query", "from"], "out_of_range")


@pytest.mark.parametrize(
    ("method", "path", "content", "content_type", "status", "code"),
    [
        ("GET", "/v1/no-such-thing", None, None, 404, "not_found"),
        ("DELETE", "/v1/organisations", None, None, 405, "method_not_allowed"),
        ("POST", "/v1/organisations", b"\xff\xfe{", "application/json", 422, "invalid_json"),
        ("POST", "/v1/organisations", b'{"name": ', "application/json", 422, "invalid_json"),
        ("POST", "/v1/organisations", b"name=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ],
)
def test_framework_refusals_answer_the_envelope(relay, method, path, content, content_type, status, code):
    headers = relay.headers("admin") | ({"Content-Type": content_type} if content_type else {})
    before = row_counts(relay)
    response = relay.client.request(method, path, content=content, headers=headers)
    assert_error(response, status, code)
    assert set(response.json()) <= {"code", "message", "details"}
    assert row_counts(relay) == before


def test_a_contract_refusal_is_a_409_with_the_decoded_custom_error(relay, scenario):
    activity = scenario.open_activity()
    # Closed on chain behind the relay's back (dev account 0 is the relay's development submitter).
    Sender(relay.chain.w3, dev_private_key(0)).transact(relay.chain.registry.functions.closeActivity(activity["id"]))
    headers = relay.headers("organiser", organisation=activity["organisation_id"])
    send = lambda: relay.client.post(f"/v1/activities/{activity['id']}/close", headers=headers)  # noqa: E731
    response = assert_rejected(relay, send, 409, "chain_rejected")
    [detail] = response.json()["details"]
    assert detail["code"] == "RegistryActivityAlreadyClosed"
    assert detail["values"] == {"activityId": str(activity["id"])}


def test_the_openapi_document_declares_keys_errors_and_examples(relay):
    document = relay.client.get("/openapi.json").json()
    assert set(document["components"]["securitySchemes"]) == {"HTTPBearer", "APIKeyHeader"}
    assert "HTTPValidationError" not in document["components"]["schemas"]
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/v1/"):
                for status in ("422", "500", "503"):
                    content = operation["responses"][status]["content"]["application/json"]
                    assert content["schema"] == error_ref, (method, path, status)
    for path in ("/v1/volunteers", "/v1/activities", "/v1/activities/{activity_id}/check-ins"):
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body.get("examples"), path


def test_attestations_come_a_bounded_page_at_a_time(relay, scenario):
    activity, volunteer = scenario.activity_and_volunteer()
    for _ in range(3):
        scenario.serve(activity, volunteer, 600)
    path, headers = f"/v1/volunteers/{volunteer['app_user_id']}/attestations", relay.headers("auditor")
    first = relay.client.get(path, params={"limit": 2}, headers=headers).json()
    rest = relay.client.get(path, params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers).json()
    assert [len(first["items"]), len(rest["items"]), rest["next_cursor"]] == [2, 1, None]
    assert [item["session"] for item in first["items"] + rest["items"]] == [0, 1, 2]
    for params in ({"limit": 0}, {"limit": 101}, {"cursor": "x" * 513}):
        assert_error(relay.client.get(path, params=params, headers=headers), 422, "invalid_request")
    forged = "WzE4NDQ2NzQ0MDczNzA5NTUxNjE2LCJ4Il0"  # [18446744073709551616, "x"]: past any column
    assert_error(relay.client.get(path, params={"cursor": forged}, headers=headers), 422, "invalid_cursor")


def test_an_unexpected_failure_is_a_logged_500_in_the_envelope(relay, scenario, caplog):
    activity = scenario.open_activity()

    def broken_clock() -> float:
        raise RuntimeError("secret internals")

    relay.client.app.dependency_overrides[get_clock] = lambda: broken_clock
    client = TestClient(relay.client.app, raise_server_exceptions=False)
    headers = relay.headers("organiser", organisation=activity["organisation_id"])
    response = client.get(f"/v1/activities/{activity['id']}/signin-code", headers=headers)
    assert_error(response, 500, "internal_error")
    assert "secret internals" not in response.text and "secret internals" in caplog.text
