"""The relay's view of the chain: contracts from the deployment manifest, the attester's signer
and the ledger's EIP-712 domain. Built once at start-up and shared.

At start-up every reachable RPC endpoint must serve the manifest's chain: a relay pointed at a
node of another chain refuses to start rather than sign for the wrong domain or lose its nonces.
"""

from dataclasses import dataclass
from functools import cached_property

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract

from yilian.chain.connection import FailoverProvider, connect
from yilian.chain.eip712 import Eip712Domain, FastSigner, ledger_domain
from yilian.chain.finality import confirmations_for
from yilian.chain.manifest import Manifest
from yilian.relay.config import Settings


@dataclass
class RelayChain:
    w3: Web3
    manifest: Manifest
    attester: FastSigner
    submitter: LocalAccount

    @classmethod
    def from_settings(cls, settings: Settings) -> "RelayChain":
        """Raises ChainIdMismatch if a reachable endpoint serves another chain than the manifest's."""
        manifest = Manifest.load(settings.manifest_path)
        w3 = connect(settings.endpoints, poa=settings.poa, expected_chain_id=manifest.chain_id)
        w3.provider.check_chain_ids()  # type: ignore[attr-defined]
        return cls(
            w3=w3,
            manifest=manifest,
            attester=FastSigner(settings.attester),
            submitter=Account.from_key(settings.submitter),
        )

    @property
    def provider(self) -> FailoverProvider:
        return self.w3.provider  # type: ignore[return-value]

    @cached_property
    def finality_depth(self) -> int:
        """The confirmations this chain's engine needs (asked once, when first tracked)."""
        return confirmations_for(self.w3)

    def confirmations(self, settings: Settings) -> int:
        return settings.confirmations if settings.confirmations is not None else self.finality_depth

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
    def domain(self) -> Eip712Domain:
        return ledger_domain(self.manifest.chain_id, self.ledger.address)
