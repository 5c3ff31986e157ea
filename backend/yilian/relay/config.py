"""Relay settings, from the environment (prefix YILIAN_) or a .env file.

Secrets have no defaults outside development: in development the relay falls back to keys of the
local chain's WELL-KNOWN PUBLIC DEVELOPMENT MNEMONIC, which must never hold real value.
"""

from functools import cached_property
from pathlib import Path
from typing import Literal

from eth_account import Account
from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from yilian.chain.connection import rpc_urls
from yilian.chain.localchain import dev_private_key

DEV_SUBMITTER_INDEX = 0  # the deployer: admin, registrar, merchant manager on the local chain
DEV_ATTESTER_INDEX = 1
DEV_FACE_PROVIDER_KEY = "0x" + "fa" * 32  # the fake identity provider of local runs and tests


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

    attester_key: SecretStr | None = None
    submitter_key: SecretStr | None = None
    custody_secret: SecretStr | None = None  # encrypts the keys of custodial volunteers
    # Signs volunteer service certificates (志愿服务证明) for the organisations the relay serves.
    # Verifiers require it to manage the organisation on chain (registry.addOrganisationManager).
    # Development default: dev account 0, which manages every organisation the relay creates.
    certificate_issuer_key: SecretStr | None = None
    face_provider_address: str | None = None

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
    # Apps may send a request a little after the event (flaky mobile networks); the device time
    # is trusted within this bound and the face assertion and code must match it.
    max_client_clock_skew_s: int = 300
    run_worker: bool = True

    @model_validator(mode="after")
    def _secrets_outside_development(self) -> "Settings":
        if self.environment == "production":
            missing = [
                name
                for name in (
                    "attester_key",
                    "submitter_key",
                    "custody_secret",
                    "face_provider_address",
                    "certificate_issuer_key",
                )
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(f"production needs these settings: {', '.join(missing)}")
        return self

    @property
    def endpoints(self) -> list[str]:
        return rpc_urls(self.rpc_urls or self.rpc_url)

    @cached_property
    def attester(self) -> str:
        return self._secret(self.attester_key) or dev_private_key(DEV_ATTESTER_INDEX)

    @cached_property
    def submitter(self) -> str:
        return self._secret(self.submitter_key) or dev_private_key(DEV_SUBMITTER_INDEX)

    @cached_property
    def certificate_issuer(self) -> str:
        return self._secret(self.certificate_issuer_key) or dev_private_key(DEV_SUBMITTER_INDEX)

    @cached_property
    def custody_password(self) -> str:
        return self._secret(self.custody_secret) or "development-only-custody-secret"

    @cached_property
    def face_provider(self) -> str:
        return self.face_provider_address or Account.from_key(DEV_FACE_PROVIDER_KEY).address

    @staticmethod
    def _secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None
