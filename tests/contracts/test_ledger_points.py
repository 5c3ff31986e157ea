"""Points are minutes × pointsPerHour × 100 / 60 base units (益币 has 2 decimals), rounded
down, and exactly that is owed at once and minted at the first spend."""

import pytest
from helpers_ledger import create_activity

# (minutes, points per hour, base units): minutes × rate × 100 / 60, rounded down.
ROUNDING = [
    (1, 1, 1),
    (59, 1, 98),
    (60, 1, 100),
    (45, 10, 750),
    (1, 10, 16),
    (7, 3, 35),
    (0xFFFE, 0xFFFF, 0xFFFE * 0xFFFF * 100 // 60),
]


def test_points_for_rounds_minutes_times_rate_down_to_base_units(ledger):
    # One test for all cases: pure calls, not worth a chain snapshot each.
    assert [ledger.pointsFor(m, rate) for m, rate, _ in ROUNDING] == [p for *_, p in ROUNDING]


@pytest.mark.parametrize(("minutes", "points"), [(1, 1), (59, 98)])
def test_attestation_owes_the_rounded_down_points(
    ledger, yicoin, registry, organiser, volunteers, sign, minutes, points
):
    alice, _ = volunteers
    one_point_an_hour = create_activity(registry, organiser, points_per_hour=1)

    tx = ledger.attest(sign(alice, one_point_an_hour, minutes=minutes), {"from": alice})

    assert tx.events["HoursAttested"]["points"] == points
    assert "Transfer" not in tx.events  # minted at the first spend
    assert ledger.pointsOwed(alice) == points
    assert yicoin.balanceOf(alice) == points
    assert yicoin.totalSupply() == points
