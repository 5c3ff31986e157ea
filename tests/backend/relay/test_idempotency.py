"""Idempotency-Key: a retry gets the first answer and writes nothing more; the key reused for a
different request is refused; every API key has its own keys."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pytest
from eth_account import Account

from .scenario import Body, Scenario, assert_rejected, row_counts


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


@dataclass(frozen=True)
class Call:
    path: str
    body: Body
    other_body: Body  # the same call with one field changed
    adds_to: str  # the row_counts entry it adds one row to


def _check_in(scenario: Scenario) -> Call:
    activity, volunteer = scenario.activity_and_volunteer()
    body = scenario.check_in_body(activity, volunteer)
    other = {**body, "location": {**body["location"], "accuracy_m": 25}}
    return Call(f"/v1/activities/{activity['id']}/check-ins", body, other, "check_ins")


def _check_out(scenario: Scenario) -> Call:
    activity, volunteer = scenario.activity_and_volunteer()
    visit = scenario.check_in(activity, volunteer)
    scenario.relay.clock.advance(20 * 60)
    at = int(scenario.relay.clock())
    body = scenario.check_out_body(volunteer, at=at)
    other = {**body, "client_time": at - 60}
    return Call(f"/v1/check-ins/{visit['id']}/check-out", body, other, "attestations")


def _registration(scenario: Scenario) -> Call:
    body = scenario.volunteer_body()  # custodial: a replay must not make a second key
    other = {**body, "identity": {**body["identity"], "real_name": "李四"}}
    return Call("/v1/volunteers", body, other, "volunteers")


CALLS: dict[str, Callable[[Scenario], Call]] = {
    "check_in": _check_in,
    "check_out": _check_out,
    "registration": _registration,
}
TIMED_CALLS = {name: CALLS[name] for name in ("check_in", "check_out")}  # with client_time


@pytest.mark.parametrize("prepare", CALLS.values(), ids=CALLS.keys())
def test_retry_with_the_same_key_replays_the_first_answer_and_writes_once(
    relay, scenario, prepare: Callable[[Scenario], Call]
):
    call = prepare(scenario)
    headers = relay.headers("app", idempotency_key="attempt-1")
    before = row_counts(relay)
    first = scenario.post(call.path, call.body, headers)
    assert first.status_code in (200, 201), first.text
    written = row_counts(relay)
    assert written[call.adds_to] == before[call.adds_to] + 1

    retry = scenario.post(call.path, call.body, headers)

    assert (retry.status_code, retry.json()) == (first.status_code, first.json())
    assert retry.headers.get("Idempotent-Replay") == "true"
    assert "Idempotent-Replay" not in first.headers
    assert row_counts(relay) == written  # no second row, no second chain transaction


@pytest.mark.parametrize("prepare", CALLS.values(), ids=CALLS.keys())
def test_same_key_with_a_different_request_is_refused(relay, scenario, prepare: Callable[[Scenario], Call]):
    call = prepare(scenario)
    headers = relay.headers("app", idempotency_key="attempt-1")
    assert scenario.post(call.path, call.body, headers).status_code in (200, 201)
    changed = partial(scenario.post, call.path, call.other_body, headers)
    assert_rejected(relay, changed, 422, "idempotency_key_reused")


@pytest.mark.parametrize("prepare", TIMED_CALLS.values(), ids=TIMED_CALLS.keys())
def test_retry_after_the_clock_moved_on_still_replays(relay, scenario, prepare: Callable[[Scenario], Call]):
    # A phone on a flaky network retries minutes later: it must learn what it did, not that its
    # (unchanged) client_time is now too old.
    call = prepare(scenario)
    headers = relay.headers("app", idempotency_key="attempt-1")
    first = scenario.post(call.path, call.body, headers)
    assert first.status_code in (200, 201), first.text
    written = row_counts(relay)
    relay.clock.advance(relay.settings.max_client_clock_skew_s + 60)

    retry = scenario.post(call.path, call.body, headers)

    assert (retry.status_code, retry.json()) == (first.status_code, first.json()), retry.text
    assert retry.headers.get("Idempotent-Replay") == "true"
    assert row_counts(relay) == written


def test_each_api_key_has_its_own_idempotency_keys(relay, scenario):
    mine = relay.headers("app", idempotency_key="sign-up")
    theirs = {"Authorization": f"Bearer {scenario.api_key('app')}", "Idempotency-Key": "sign-up"}
    before = row_counts(relay)

    first = scenario.register(scenario.volunteer_body(address=Account.create().address), mine)
    second = scenario.register(scenario.volunteer_body(address=Account.create().address), theirs)

    assert (first.status_code, second.status_code) == (201, 201), second.text
    assert "Idempotent-Replay" not in second.headers
    assert first.json()["app_user_id"] != second.json()["app_user_id"]
    assert row_counts(relay)["volunteers"] == before["volunteers"] + 2
