"""The relay's view of the chain: contracts from the deployment manifest, the organisations'
attester keys and the ledger's EIP-712 domain. Built once at start-up and shared."""

from dataclasses import dataclass
from functools import cached_property

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract

from yilian.chain.connection import connect
from yilian.chain.eip712 import Eip712Domain, ledger_domain
from yilian.chain.manifest import Manifest
from yilian.relay.config import Settings
from yilian.relay.services.attester_keys import AttesterKeys


@dataclass
class RelayChain:
    w3: Web3
    manifest: Manifest
    attesters: AttesterKeys
    submitter: LocalAccount

    @classmethod
    def from_settings(cls, settings: Settings) -> "RelayChain":
        return cls(
            w3=connect(settings.rpc_url, poa=settings.poa),
            manifest=Manifest.load(settings.manifest_path),
            attesters=AttesterKeys(settings.custody_password),
            submitter=Account.from_key(settings.submitter),
        )

    @cached_property
    def registry(self) -> Contract:
        return self.manifest.contract(self.w3, "VolunteerRegistry")

    @cached_property
    def ledger(self) -> Contract:
        return self.manifest.contract(self.w3, "HourLedger")

    @cached_property
    def yicoin(self) -> Contract:
        return self.manifest.contract(self.w3, "YiCoin")

    @cached_property
    def alliance(self) -> Contract:
        return self.manifest.contract(self.w3, "MerchantAlliance")

    @cached_property
    def time_bank(self) -> Contract:
        return self.manifest.contract(self.w3, "TimeBank")

    @cached_property
    def domain(self) -> Eip712Domain:
        return ledger_domain(self.manifest.chain_id, self.ledger.address)
