"""Which organisation an organiser key may act for: the one place that is decided."""

from yilian.relay.db.models import ApiKey
from yilian.relay.services.errors import Forbidden


def require_organiser_of(api_key: ApiKey, organisation_id: int) -> None:
    """A key bound to an organisation (`organisation_id` on the key) acts for that organisation
    only; an admin key, and an organiser key bound to none, act for every organisation."""
    bound = getattr(api_key, "organisation_id", None)
    if api_key.role != "admin" and bound is not None and bound != organisation_id:
        raise Forbidden(
            f"this key acts for organisation {bound}, not for organisation {organisation_id}",
            code="not_your_organisation",
        )
