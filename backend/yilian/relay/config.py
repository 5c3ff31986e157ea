"""Relay settings, from the environment (prefix YILIAN_) or a .env file.

Secrets have no defaults outside development: in development the relay falls back to keys of the
local chain's WELL-KNOWN PUBLIC DEVELOPMENT MNEMONIC, which must never hold real value.
"""

import socket
from functools import cached_property
from pathlib import Path
from typing import Literal

from eth_account import Account
from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from yilian.chain import devkeys
from yilian.chain.connection import rpc_urls
from yilian.chain.devkeys import dev_private_key

DEV_FACE_PROVIDER_KEY = "0x" + "fa" * 32  # the fake identity provider of local runs and tests
DEV_IDENTITY_PEPPER = "development-only-identity-pepper"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YILIAN_", env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///var/relay.db"
    rpc_url: str = "http://127.0.0.1:8545"
    # Several nodes (one per consortium department), comma-separated: the relay uses the first
    # that answers and fails over to the next. Overrides rpc_url when set.
    rpc_urls: str | None = None
    poa: bool = False
    manifest_path: Path = Path("deployments/yilian-local.json")

    submitter_key: SecretStr | None = None
    # Encrypts the keys the relay holds: custodial volunteers' and each organisation's attester
    # key (which signs the organisation's hour attestations and certificates).
    custody_secret: SecretStr | None = None
    face_provider_address: str | None = None
    # Keys the identity hash (HMAC-SHA256) so the same real-name identity always gives the same
    # hash (registered once) while nobody without it can test names and ID numbers against the chain.
    identity_pepper: SecretStr | None = None
    # Holds AUDITOR_ROLE on the HourLedger: revokes a session an approved correction replaces.
    # Optional: without it corrections are filed and decided but not applied (development: dev account 2).
    auditor_key: SecretStr | None = None
    # Where the public reaches the relay: the host in certificates' QR codes, e.g.
    # https://yilian.example.gov.cn. Development default: this machine's LAN address on port
    # 8000, so a phone on the same network can open the page (127.0.0.1 would be the phone).
    public_base_url: str | None = None
    # Public pages (no API key): requests per client IP per minute before 429 + Retry-After.
    public_requests_per_minute: int = 30

    batch_max_size: int = 50
    batch_max_age_s: float = 1.0
    # Blocks a receipt must be deep (its own included) before its items count as confirmed.
    # None: chosen per chain (yilian.chain.finality); 0 or 1 on instant-finality BFT chains.
    confirmations: int | None = None
    poll_interval_s: float = 0.2
    stuck_after_s: float = 30.0
    fee_mode: Literal["auto", "legacy", "eip1559"] = "auto"
    priority_fee_wei: int = 1_000_000_000
    gas_price_wei: int | None = None  # legacy mode; None asks the node
    receipt_timeout_s: float = 30.0

    checkin_tolerance_s: int = 600
    signin_period_s: int = 30
    face_max_age_s: int = 120
    face_min_score: int = 8000
    max_location_accuracy_m: float = 100.0
    # A device time further than this from the relay's clock is refused (422 clock_skew).
    max_client_clock_skew_s: int = 300
    # An app that was offline may date its check-out (or the code and face of its check-in) this
    # much before the relay received it; never later than receipt, never before the check-in.
    max_client_backdate_s: int = 300
    # Lock-out: failed sign-in codes and face checks within a sliding window, counted in the
    # database per volunteer, per activity and per API key; at the limit → 429 too_many_attempts.
    attempt_window_s: int = 900
    max_failures_per_volunteer: int = 5
    max_failures_per_activity: int = 50
    max_failures_per_api_key: int = 200
    # How often the worker closes sessions left open past their activity's end (at last presence).
    abandoned_sweep_interval_s: float = 30.0
    run_worker: bool = True

    @model_validator(mode="after")
    def _secrets_outside_development(self) -> "Settings":
        if self.environment == "production":
            missing = [
                name
                for name in (
                    "submitter_key",
                    "custody_secret",
                    "face_provider_address",
                    "identity_pepper",
                    "public_base_url",
                )
                if getattr(self, name) is None
            ]
            if self.identity_pepper is not None and len(self.identity_pepper.get_secret_value()) < 32:
                missing.append("identity_pepper (at least 32 random characters)")
            if missing:
                raise ValueError(f"production needs these settings: {', '.join(missing)}")
        return self

    @property
    def endpoints(self) -> list[str]:
        return rpc_urls(self.rpc_urls or self.rpc_url)

    @cached_property
    def submitter(self) -> str:
        return self._secret(self.submitter_key) or dev_private_key(devkeys.SUBMITTER)

    @cached_property
    def auditor(self) -> str | None:
        if self.environment == "production":
            return self._secret(self.auditor_key)
        return self._secret(self.auditor_key) or dev_private_key(devkeys.DEV_ROLE_ACCOUNTS["auditor"])

    @cached_property
    def public_base(self) -> str:
        return (self.public_base_url or f"http://{lan_address()}:8000").rstrip("/")

    @cached_property
    def custody_password(self) -> str:
        return self._secret(self.custody_secret) or "development-only-custody-secret"

    @cached_property
    def pepper(self) -> bytes:
        return (self._secret(self.identity_pepper) or DEV_IDENTITY_PEPPER).encode()

    @cached_property
    def face_provider(self) -> str:
        return self.face_provider_address or Account.from_key(DEV_FACE_PROVIDER_KEY).address

    @staticmethod
    def _secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None


def lan_address() -> str:
    """The address this machine's default route leaves from (connecting a UDP socket sends nothing)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
