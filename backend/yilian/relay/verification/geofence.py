"""Geofence rule: the volunteer's reported position must be at the activity's venue."""

import math

import numpy as np

from yilian.relay.verification.errors import CheckInRejected

# Mean Earth radius (IUGG); haversine on a sphere errs by < 0.5 %, far below GPS accuracy.
EARTH_RADIUS_M = 6_371_008.8


class InvalidLocation(CheckInRejected):
    code = "invalid_location"


class LocationInaccurate(CheckInRejected):
    code = "location_inaccurate"


class OutsideGeofence(CheckInRejected):
    code = "outside_geofence"


class CheckOutOutsideGeofence(OutsideGeofence):
    """A check-out from outside the fence: the volunteer may end the session at their last
    verified presence instead (``left_at_last_presence``)."""

    code = "check_out_outside_geofence"


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    # min() guards against rounding pushing a just above 1 for antipodal points.
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def distances_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """`distance_m` from one point to many."""
    phi1, phi2 = np.radians(lat), np.radians(lats)
    a = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lons - lon) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _valid_coordinates(lat: float, lon: float) -> bool:
    # Written as "inside the range" so that NaN (which fails every comparison) is invalid.
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def check_inside(
    center_lat: float,
    center_lon: float,
    radius_m: float,
    lat: float,
    lon: float,
    accuracy_m: float,
    *,
    max_accuracy_m: float = 100,
) -> None:
    """Reject a position that cannot be at the venue (raises ``OutsideGeofence``).

    Rule: accept when ``distance - accuracy <= radius``, i.e. the circle of possible true
    positions (reported point, radius = reported accuracy) must at least touch the fence, so GPS
    error never rejects a volunteer standing inside it. A poor fix cannot stretch the fence far
    because accuracies above ``max_accuracy_m`` are refused outright.
    """
    # A bad fence is the organiser's stored data, not the caller's fault: a server error.
    if not _valid_coordinates(center_lat, center_lon) or not radius_m >= 0:
        raise ValueError("activity geofence has an invalid centre or radius")
    _check_reading(lat, lon, accuracy_m, max_accuracy_m)
    distance = distance_m(center_lat, center_lon, lat, lon)
    if distance - accuracy_m > radius_m:
        raise OutsideGeofence(
            f"location is {distance:.0f} m from the venue (fence radius {radius_m:.0f} m, accuracy {accuracy_m:.0f} m)"
        )


def _check_reading(lat: float, lon: float, accuracy_m: float, max_accuracy_m: float) -> None:
    """Raise ``InvalidLocation`` or ``LocationInaccurate`` for an unusable GPS reading."""
    if not _valid_coordinates(lat, lon):
        raise InvalidLocation(f"location ({lat}, {lon}) is not a valid latitude/longitude")
    if not 0 <= accuracy_m <= max_accuracy_m:  # also refuses NaN
        raise LocationInaccurate(
            f"location accuracy {accuracy_m} m is not between 0 and {max_accuracy_m} m; wait for a better GPS fix"
        )
