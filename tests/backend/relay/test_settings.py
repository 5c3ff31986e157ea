"""Production refuses to start without its secrets, the identity pepper among them."""

import pytest
from pydantic import ValidationError

from yilian.relay.config import Settings

SECRETS = {
    "submitter_key": "0x" + "22" * 32,
    "custody_secret": "custody",
    "face_provider_address": "0x" + "33" * 20,
    "public_base_url": "https://yilian.example.gov.cn",
}


@pytest.mark.parametrize("pepper", [None, "short"], ids=["missing", "too_short"])
def test_production_needs_a_real_identity_pepper(pepper: str | None) -> None:
    with pytest.raises(ValidationError, match="identity_pepper"):
        Settings(_env_file=None, environment="production", identity_pepper=pepper, **SECRETS)


def test_production_starts_with_its_secrets() -> None:
    settings = Settings(_env_file=None, environment="production", identity_pepper="p" * 32, **SECRETS)
    assert settings.pepper == b"p" * 32
