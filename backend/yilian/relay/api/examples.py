"""Request examples for the OpenAPI document: the walkthrough's main calls."""

from typing import Any

from fastapi.openapi.models import Example

VENUE = {"latitude": 30.2742, "longitude": 120.1550, "accuracy_m": 15}


def _one(summary: str, value: dict[str, Any]) -> dict[str, Example]:
    return {"walkthrough": Example(summary=summary, value=value)}


REGISTRATION = _one(
    "A volunteer whose key the relay keeps",
    {"app_user_id": "wx-10001", "identity": {"real_name": "张三", "id_number": "330106199001011234"}},
)
ACTIVITY = _one(
    "A morning of wetland cleaning",
    {
        "organisation_id": 1, "name": "西溪湿地清洁", "category": 1,
        "starts_at": 1_798_761_600, "ends_at": 1_798_776_000,
        "geofence": {"latitude": 30.2741, "longitude": 120.1551, "radius_m": 300},
        "minute_cap": 480, "points_per_hour": 10,
    },
)  # fmt: skip
CHECK_IN = _one(
    "At the venue, with the screen's code and the provider's face assertion",
    {
        "app_user_id": "wx-10001", "location": VENUE, "signin_code": "042917",
        "face_assertion": {
            "volunteer": "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4", "verified_at": 1_798_762_000,
            "score": 9500, "nonce": "0x" + "1f" * 32, "signature": "0x" + "ab" * 65,
        },
    },
)  # fmt: skip
CHECK_OUT = _one(
    "Leaving the venue; the device's clock is trusted within ±300 s",
    {"app_user_id": "wx-10001", "location": VENUE, "client_time": 1_798_765_600},
)
