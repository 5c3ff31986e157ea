"""The registry admin sets the most 益币 an hour an activity may mint; an organisation cannot
create an activity above it."""

from helpers_ledger import create_activity, reverts_with


def test_deployed_ceiling_is_the_initial_ceiling(registry):
    assert registry.pointsCeiling() == registry.INITIAL_POINTS_CEILING() == 100


def test_activity_above_the_ceiling_reverts_with_rate_and_ceiling(registry, organiser):
    with reverts_with("RegistryPointsAboveCeiling", 101, 100):
        create_activity(registry, organiser, points_per_hour=101)
    assert registry.activityCount() == 0


def test_activity_at_the_ceiling_is_created(registry, organiser):
    activity_id = create_activity(registry, organiser, points_per_hour=100)

    assert registry.activity(activity_id)["pointsPerHour"] == 100


def test_admin_lowers_the_ceiling_announced_and_enforced(registry, admin, organiser):
    tx = registry.setPointsCeiling(20, {"from": admin})

    assert tx.events["PointsCeilingChanged"] == {"previousCeiling": 100, "newCeiling": 20}
    assert registry.pointsCeiling() == 20
    with reverts_with("RegistryPointsAboveCeiling", 21, 20):
        create_activity(registry, organiser, points_per_hour=21)


def test_ceiling_change_by_a_non_admin_reverts_with_unauthorized_account(registry, registrar, organiser):
    for caller in (registrar, organiser):
        with reverts_with("AccessControlUnauthorizedAccount", caller, registry.DEFAULT_ADMIN_ROLE()):
            registry.setPointsCeiling(65_535, {"from": caller})
    assert registry.pointsCeiling() == 100
