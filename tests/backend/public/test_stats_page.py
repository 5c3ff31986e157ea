"""The public statistics page: district aggregates from the chain's events, no API key, nothing
about any one volunteer."""

from tests.backend.audit.journey import Journey
from yilian.public.ratelimit import RateLimiter
from yilian.stats.period import day_of


def test_the_district_figures_are_public_and_aggregate(journey: Journey) -> None:
    page = journey.relay.client.get("/stats")
    data = journey.relay.client.get("/stats?format=json").json()

    assert page.status_code == 200 and "志愿服务统计" in page.text
    headlines = {h["key"]: h["value"] for h in data["headlines"]}
    standing = journey.standing()
    assert headlines == {
        "registered_volunteers": 3, "active_volunteers": 3, "activities": 2, "sessions": len(standing),
        "hours": round(sum(s.minutes for s in standing) / 60, 2),
    }  # fmt: skip
    month = f"{day_of(journey.started_at):%Y-%m}"
    by_month = {m["label"]: m for m in data["by_month"]}
    assert len(by_month) in (12, 13) and by_month[month]["sessions"] == len(standing)
    assert by_month[month]["new_volunteers"] == 3
    assert {g["label"] for g in data["by_organisation"]} == {"西湖区青年志愿者协会", "西湖区妇联巾帼志愿队"}
    assert {g["label"] for g in data["by_category"]} == {"类别 1", "类别 2"}
    for person in journey.volunteers:
        assert person["address"] not in page.text and person["real_name"] not in page.text
    assert page.text.count("<svg") == 3  # by month, category, organisation


def test_the_statistics_page_needs_no_key_but_is_rate_limited(journey: Journey) -> None:
    journey.relay.client.app.state.public_limiter = RateLimiter(1)

    first, second = journey.relay.client.get("/stats"), journey.relay.client.get("/stats?format=json")

    assert first.status_code == 200
    assert second.status_code == 429 and second.json()["code"] == "rate_limited" and second.headers["Retry-After"]
