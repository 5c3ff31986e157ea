import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yilian.relay.verification.geofence import (
    EARTH_RADIUS_M,
    InvalidLocation,
    LocationInaccurate,
    OutsideGeofence,
    check_inside,
    distance_m,
)

# A venue in Hangzhou and a point due north of it.
LAT, LON = 30.2741, 120.1551
NORTH_LAT = LAT + 0.0015  # about 167 m north
D = distance_m(LAT, LON, NORTH_LAT, LON)

latitudes = st.floats(-90, 90)
longitudes = st.floats(-180, 180)


def test_distance_known_values() -> None:
    assert distance_m(LAT, LON, LAT, LON) == 0
    one_degree = EARTH_RADIUS_M * math.pi / 180  # ~111.2 km along a meridian
    assert distance_m(0, 0, 1, 0) == pytest.approx(one_degree)
    assert distance_m(0, 0, 0, 1) == pytest.approx(one_degree)  # along the equator
    assert distance_m(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_M)
    assert round(D, 1) == 166.8


def test_distance_across_the_antimeridian_is_short() -> None:
    assert distance_m(0, 179.9995, 0, -179.9995) == pytest.approx(111.2, abs=0.1)


@given(latitudes, longitudes, latitudes, longitudes)
def test_distance_is_symmetric_and_bounded(a: float, b: float, c: float, d: float) -> None:
    there = distance_m(a, b, c, d)
    assert there == pytest.approx(distance_m(c, d, a, b))
    assert 0 <= there <= math.pi * EARTH_RADIUS_M + 1e-6


def test_inside_the_fence() -> None:
    check_inside(LAT, LON, 200, NORTH_LAT, LON, 10)


def test_exactly_on_the_radius_is_inside() -> None:
    check_inside(LAT, LON, D, NORTH_LAT, LON, 0)
    with pytest.raises(OutsideGeofence):
        check_inside(LAT, LON, math.nextafter(D, 0), NORTH_LAT, LON, 0)


def test_accuracy_circle_touching_the_fence_passes() -> None:
    radius = D - 30
    check_inside(LAT, LON, radius, NORTH_LAT, LON, 30)
    check_inside(LAT, LON, radius, NORTH_LAT, LON, 31)
    with pytest.raises(OutsideGeofence) as caught:
        check_inside(LAT, LON, radius, NORTH_LAT, LON, 29)
    assert caught.value.code == "outside_geofence"
    assert "167 m" in caught.value.message


def test_far_away_is_outside_even_with_max_accuracy() -> None:
    with pytest.raises(OutsideGeofence):
        check_inside(LAT, LON, 100, LAT + 1, LON, 100)


@pytest.mark.parametrize("accuracy", [100.0001, 500, -1, math.nan, math.inf])
def test_inaccurate_or_nonsense_accuracy(accuracy: float) -> None:
    with pytest.raises(LocationInaccurate) as caught:
        check_inside(LAT, LON, 200, LAT, LON, accuracy)
    assert caught.value.code == "location_inaccurate"


def test_accuracy_limit_is_inclusive_and_configurable() -> None:
    check_inside(LAT, LON, 200, LAT, LON, 100)
    check_inside(LAT, LON, 200, LAT, LON, 0)
    with pytest.raises(LocationInaccurate):
        check_inside(LAT, LON, 200, LAT, LON, 30, max_accuracy_m=20)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(90.0001, 0), (-90.0001, 0), (0, 180.0001), (0, -180.0001), (math.nan, 0), (0, math.inf)],
)
def test_invalid_location(lat: float, lon: float) -> None:
    with pytest.raises(InvalidLocation) as caught:
        check_inside(LAT, LON, 200, lat, lon, 10)
    assert caught.value.code == "invalid_location"


def test_invalid_location_is_checked_before_accuracy() -> None:
    with pytest.raises(InvalidLocation):
        check_inside(LAT, LON, 200, 91, 0, 1000)


@pytest.mark.parametrize(("lat", "lon"), [(90, 180), (-90, -180)])
def test_range_limits_are_valid_coordinates(lat: float, lon: float) -> None:
    check_inside(lat, lon, 10, lat, lon, 5)


def test_invalid_fence_is_a_data_error_not_a_rejection() -> None:
    with pytest.raises(ValueError, match="invalid centre or radius"):
        check_inside(95, LON, 200, LAT, LON, 10)
    with pytest.raises(ValueError, match="invalid centre or radius"):
        check_inside(LAT, LON, -1, LAT, LON, 10)


@given(
    dlat=st.floats(-0.01, 0.01),
    dlon=st.floats(-0.01, 0.01),
    accuracy=st.floats(0, 100),
)
def test_never_rejects_a_point_inside_the_fence(dlat: float, dlon: float, accuracy: float) -> None:
    lat, lon = LAT + dlat, LON + dlon
    check_inside(LAT, LON, distance_m(LAT, LON, lat, lon) + 1, lat, lon, accuracy)
