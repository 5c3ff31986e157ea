"""What a volunteer app and an organiser do, as calls on the relay API (shared by the tests)."""

import itertools
from dataclasses import dataclass

from yilian.relay.verification import FakeFaceProvider, code_at

VENUE = {"latitude": 30.2741, "longitude": 120.1551}  # Xixi wetland, Hangzhou
_user_ids = itertools.count(1)


@dataclass
class Scenario:
    relay: "object"
    face: FakeFaceProvider

    def organisation(self) -> int:
        response = self.relay.client.post(
            "/v1/organisations", json={"name": "西湖区青年志愿者协会"}, headers=self.relay.headers("admin")
        )
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def activity(self, organisation_id: int, *, minute_cap: int = 600, points_per_hour: int = 10,
                 starts_in: int = -3600, lasts: int = 8 * 3600) -> dict:  # fmt: skip
        now = int(self.relay.clock())
        body = {
            "organisation_id": organisation_id, "name": "湿地清洁", "category": 1,
            "starts_at": now + starts_in, "ends_at": now + starts_in + lasts,
            "geofence": {**VENUE, "radius_m": 200}, "minute_cap": minute_cap, "points_per_hour": points_per_hour,
        }  # fmt: skip
        response = self.relay.client.post("/v1/activities", json=body, headers=self.relay.headers("organiser"))
        assert response.status_code == 201, response.text
        return response.json()

    def volunteer(self, *, address: str | None = None) -> dict:
        user = f"user-{next(_user_ids)}"
        body = {"app_user_id": user, "address": address, "identity": {"real_name": "张三", "id_number": "330106199001011234"}}
        response = self.relay.client.post("/v1/volunteers", json=body, headers=self.relay.headers("app"))
        assert response.status_code == 201, response.text
        return response.json()

    def check_in_body(self, activity: dict, volunteer: dict, *, at: int | None = None, **changes) -> dict:
        at = at or int(self.relay.clock())
        secret = self._secret(activity["id"])
        body = {
            "app_user_id": volunteer["app_user_id"],
            "location": {**VENUE, "accuracy_m": 10},
            "signin_code": code_at(secret, at, self.relay.settings.signin_period_s),
            "face_assertion": self.face.assert_match(volunteer["address"], at, 9500).model_dump(),
            "client_time": at,
        }
        body.update(changes)
        return body

    def check_in(self, activity: dict, volunteer: dict, **kwargs) -> dict:
        response = self.relay.client.post(
            f"/v1/activities/{activity['id']}/check-ins",
            json=self.check_in_body(activity, volunteer, **kwargs),
            headers=self.relay.headers("app"),
        )
        assert response.status_code == 201, response.text
        return response.json()

    def check_out(self, visit: dict, volunteer: dict, *, at: int | None = None) -> dict:
        body = {"app_user_id": volunteer["app_user_id"], "location": {**VENUE, "accuracy_m": 10}, "client_time": at}
        response = self.relay.client.post(
            f"/v1/check-ins/{visit['id']}/check-out", json=body, headers=self.relay.headers("app")
        )
        assert response.status_code == 200, response.text
        return response.json()

    def _secret(self, activity_id: int) -> bytes:
        from yilian.relay.db.models import Activity

        with self.relay.sessions() as session:
            return session.get(Activity, activity_id).signin_secret
