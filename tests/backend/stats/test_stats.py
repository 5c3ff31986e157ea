"""Statistics of the journey, through the relay endpoint and the CLI, equal to what it did; and
growth against the previous period on a hand-made state."""

import json
from datetime import date

from typer.testing import CliRunner

from tests.backend.audit.journey import OFFER_PRICE, SETTLED, Journey, Relay
from yilian.audit.state import ChainState
from yilian.cli.main import app
from yilian.stats.aggregate import period_totals
from yilian.stats.period import Period
from yilian.stats.report import stats_report


def _expected(journey: Journey) -> dict:
    standing = journey.standing()
    return {
        "registered_volunteers": 3, "new_volunteers": 3, "active_volunteers": len({s.volunteer for s in standing}),
        "activities": 2, "sessions": len(standing), "minutes": sum(s.minutes for s in standing),
        "revoked_sessions": 1, "yicoin_issued": sum(s.points for s in journey.sessions),
        "yicoin_redeemed": OFFER_PRICE, "yicoin_settled": SETTLED,
    }  # fmt: skip


def test_the_endpoint_counts_what_the_journey_did(journey: Journey) -> None:
    first, last = journey.period()
    response = journey.relay.client.get(
        "/v1/stats", params={"from": first, "to": last}, headers=journey.relay.headers("auditor")
    )

    assert response.status_code == 200, response.text
    report = response.json()
    assert {key: report["totals"][key] for key in _expected(journey)} == _expected(journey)
    assert report["totals"]["hours"] == round(_expected(journey)["minutes"] / 60, 2)
    assert set(report["previous_totals"].values()) == {0}
    assert set(report["growth_percent"].values()) == {None}  # nothing before the journey
    by_organisation = {row["name"]: row for row in report["by_organisation"]}
    youth, women = (journey.activities[0]["id"], journey.activities[1]["id"])
    for name, activity_id in (("西湖区青年志愿者协会", youth), ("西湖区妇联巾帼志愿队", women)):
        sessions = [s for s in journey.standing() if s.activity_id == activity_id]
        row = by_organisation[name]
        assert (row["sessions"], row["minutes"], row["volunteers"], row["activities"]) == (
            len(sessions),
            sum(s.minutes for s in sessions),
            len({s.volunteer for s in sessions}),
            1,
        )
    by_category = {row["category"]: row["minutes"] for row in report["by_category"]}
    assert by_category == {
        1: by_organisation["西湖区青年志愿者协会"]["minutes"],
        2: by_organisation["西湖区妇联巾帼志愿队"]["minutes"],
    }


def test_the_endpoint_is_for_auditors(relay: Relay) -> None:
    assert relay.client.get("/v1/stats", headers=relay.headers("app")).status_code == 403
    assert relay.client.get("/v1/stats", headers=relay.headers("auditor")).status_code == 200


def test_the_cli_reports_the_same_numbers(journey: Journey) -> None:
    first, last = journey.period()
    result = CliRunner().invoke(app, [
        "stats", "--from", first, "--to", last, "--json", "--rpc-url", journey.rpc_url,
        "--manifest", str(journey.manifest_path), "--relay-db", journey.database_url,
    ])  # fmt: skip

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {key: report["totals"][key] for key in _expected(journey)} == _expected(journey)
    assert sorted(row["name"] for row in report["by_organisation"]) == ["西湖区妇联巾帼志愿队", "西湖区青年志愿者协会"]
    table = CliRunner().invoke(app, ["stats", "--from", first, "--to", last, "--rpc-url", journey.rpc_url,
                                     "--manifest", str(journey.manifest_path)])  # fmt: skip
    assert "active volunteers" in table.output and table.exit_code == 0


def test_growth_is_measured_against_the_previous_equal_period() -> None:
    march = Period(date(2025, 3, 1), date(2025, 3, 31))
    february_day, march_day = march.previous().start + 3600, march.start + 3600
    state = ChainState()
    state.activities = {7: {"organisation_id": 1, "category": 3}}
    state.volunteers = {"0xA": {"registered_at": february_day}, "0xB": {"registered_at": march_day}}
    for uid, volunteer, moment, minutes in (
        ("0x01", "0xA", february_day, 60), ("0x02", "0xA", march_day, 60), ("0x03", "0xB", march_day, 30),
    ):  # fmt: skip
        state.attestations.append({
            "uid": uid, "volunteer": volunteer, "activity_id": 7, "session": 0, "check_in": moment,
            "check_out": moment + minutes * 60, "minutes": minutes, "points": minutes * 10, "evidence_hash": "0x",
            "block": 1, "tx_hash": "0x", "revoked_block": 0,
        })  # fmt: skip

    before, now = period_totals(state, march.previous()), period_totals(state, march)
    report = stats_report(state, march, {1: "文三街道"}, as_of_block=1)

    assert march.previous() == Period(date(2025, 1, 29), date(2025, 2, 28))
    assert (before.minutes, now.minutes, before.active_volunteers, now.active_volunteers) == (60, 90, 1, 2)
    assert (before.registered_volunteers, now.registered_volunteers, now.new_volunteers) == (1, 2, 1)
    assert now.by_category[3].volunteers == 2
    growth = report["growth_percent"]
    assert (growth["minutes"], growth["active_volunteers"], growth["sessions"]) == (50.0, 100.0, 100.0)
    assert report["by_organisation"][0] == {
        "organisation_id": 1, "name": "文三街道", "activities": 1, "sessions": 2, "minutes": 90,
        "volunteers": 2, "hours": 1.5, "minutes_growth_percent": 50.0,
    }  # fmt: skip
