"""The story an app lives: register → activity → check in → check out → hours on chain."""

import pytest

from yilian.relay.worker import wait_until_idle

from .scenario import Scenario


@pytest.fixture
def scenario(relay, face_provider) -> Scenario:
    return Scenario(relay, face_provider)


def test_checked_out_session_is_confirmed_on_chain_with_minutes_and_points(relay, scenario):
    activity = scenario.activity(scenario.organisation(), points_per_hour=10)
    volunteer = scenario.volunteer()
    relay.clock.advance(-120)  # the app checks in two hours... minutes before "now"
    start = int(relay.clock())
    visit = scenario.check_in(activity, volunteer, at=start)
    relay.clock.advance(90 * 60)
    checked_out = scenario.check_out(visit, volunteer, at=start + 90 * 60)
    assert checked_out["minutes"] == 90
    uid = checked_out["attestation"]["uid"]

    wait_until_idle(relay.worker, timeout_s=30)

    status = relay.client.get(f"/v1/attestations/{uid}", headers=relay.headers("app")).json()
    assert status["status"] == "confirmed"
    assert status["tx_hash"] and status["block_number"]
    read = relay.client.get(f"/v1/volunteers/{volunteer['app_user_id']}", headers=relay.headers("app")).json()
    assert read["minutes_served"] == 90
    assert read["yicoin_balance"] == 1500  # 1.5 h × 10 益币 = 15.00
    ledger = relay.chain.ledger
    assert ledger.functions.minutesInActivity(volunteer["address"], activity["id"]).call() == 90
