"""A fresh deployment per test module on the session's ganache, and the people of the time bank.

Development accounts (public mnemonic): 0 deployer, admin and registrar; 1 the organisation's
attester; 2 auditor.
Volunteers and relatives get keys of their own, since they sign what moves their credits.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError

from yilian.chain.connection import connect
from yilian.chain.contract_output import decode_revert
from yilian.chain.deployment import deploy_development
from yilian.chain.eip712 import Eip712Domain, FastSigner, HourAttestation, ledger_domain, uid
from yilian.chain.ledger_batch import sign_batch
from yilian.chain.localchain import LocalChain, dev_address, dev_private_key
from yilian.chain.manifest import Manifest
from yilian.chain.protocol import TIME_BANK_SERVICE_CATEGORY
from yilian.chain.time_bank import sign_holder_message, time_bank_domain
from yilian.chain.transactions import Sender, Transactable

ADMIN, ATTESTER, AUDITOR = 0, 1, 2
SERVICE_CATEGORY = TIME_BANK_SERVICE_CATEGORY
HOUR = 3_600


@dataclass
class Bank:
    w3: Web3
    manifest: Manifest
    registry: Contract
    ledger: Contract
    time_bank: Contract
    organisation: int
    manifest_path: Path

    def send(self, call: Transactable, account: int = ADMIN) -> dict:
        return dict(Sender(self.w3, dev_private_key(account)).transact(call))

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def volunteer(self) -> LocalAccount:
        person = Account.create()
        self.send(self.registry.functions.registerVolunteer(person.address, os.urandom(32)))
        return person

    def activity(self, category: int = 1, minute_cap: int = 10_000) -> int:
        now = self.now()
        call = self.registry.functions.createActivity(
            self.organisation, category, now - HOUR, now + 8 * HOUR, minute_cap, 10
        )
        receipt = self.send(call)
        return self.registry.events.ActivityCreated().process_receipt(receipt)[0]["args"]["activityId"]

    def attest(self, volunteer: str, activity: int, minutes: int, session: int = 0, *, batch: bool = False) -> dict:
        start = self.now() - HOUR + 60
        item = HourAttestation(volunteer, activity, session, start, start + minutes * 60, minutes, bytes(32))
        signer = FastSigner(dev_private_key(ATTESTER))
        fields = (volunteer, activity, session, item.check_in, item.check_out, minutes, bytes(32))
        if batch:
            signed_batch = sign_batch(signer, [item], self.ledger_domain())
            return self.send(
                self.ledger.functions.attestBatch([fields], signer.address, signed_batch.r, signed_batch.vs)
            )
        r, vs = signer.sign_attestation(item, self.ledger_domain()).compact()
        return self.send(self.ledger.functions.attest((fields, r, vs)))

    def ledger_domain(self) -> Eip712Domain:
        return ledger_domain(self.w3.eth.chain_id, self.ledger.address)

    def signed(self, holder: LocalAccount, kind: str, *, deadline: int | None = None, **message: object) -> tuple:
        """(deadline, signature) of `holder` over `kind` with the holder's next nonce."""
        deadline = deadline if deadline is not None else self.now() + HOUR
        nonce = self.time_bank.functions.nonces(holder.address).call()
        domain = time_bank_domain(self.w3.eth.chain_id, self.time_bank.address)
        return deadline, sign_holder_message(holder.key, kind, domain, nonce=nonce, deadline=deadline, **message)

    def link_family(self, a: LocalAccount, b: LocalAccount, *, registrar: bool = True) -> None:
        for account, relative in ((a, b), (b, a)):
            deadline, signature = self.signed(
                account, "FamilyConsent", account=account.address, relative=relative.address
            )
            self.send(
                self.time_bank.functions.consentToFamilyLink(account.address, relative.address, deadline, signature)
            )
        if registrar:
            self.send(self.time_bank.functions.confirmFamilyLink(a.address, b.address))

    def give(self, giver: LocalAccount, relative: LocalAccount, minutes: int) -> dict:
        terms = {"from": giver.address, "to": relative.address, "creditMinutes": minutes}
        deadline, signature = self.signed(giver, "FamilyGift", **terms)
        return self.send(
            self.time_bank.functions.giveToFamily(giver.address, relative.address, minutes, deadline, signature)
        )

    def donate(self, holder: LocalAccount, minutes: int) -> dict:
        deadline, signature = self.signed(holder, "PoolDonation", **{"from": holder.address, "creditMinutes": minutes})
        return self.send(self.time_bank.functions.donateToPool(holder.address, minutes, deadline, signature))

    def request_service(self, requester: LocalAccount, activity: int) -> dict:
        deadline, signature = self.signed(requester, "ServiceRequest", requester=requester.address, activityId=activity)
        return self.send(self.time_bank.functions.requestService(requester.address, activity, deadline, signature))

    def credits(self, account: str) -> int:
        return self.ledger.functions.timeCredits(account).call()

    def session_uid(self, volunteer: str, activity: int, session: int = 0) -> bytes:
        return uid(volunteer, activity, session)


def deploy_bank(w3: Web3, folder: Path) -> Bank:
    path = folder / f"bank-{os.urandom(4).hex()}.json"
    manifest = deploy_development(w3, path)
    registry, ledger = manifest.contract(w3, "VolunteerRegistry"), manifest.contract(w3, "HourLedger")
    time_bank = manifest.contract(w3, "TimeBank")
    bank = Bank(w3, manifest, registry, ledger, time_bank, organisation=0, manifest_path=path)
    receipt = bank.send(registry.functions.createOrganisation(os.urandom(32)))
    bank.organisation = registry.events.OrganisationCreated().process_receipt(receipt)[0]["args"]["organisationId"]
    bank.send(registry.functions.addOrganisationManager(bank.organisation, dev_address(ADMIN)))
    bank.send(registry.functions.addOrganisationAttester(bank.organisation, dev_address(ATTESTER)))
    return bank


@pytest.fixture(scope="module")
def bank(local_chain: LocalChain, tmp_path_factory: pytest.TempPathFactory) -> Bank:
    return deploy_bank(connect(local_chain.rpc_url), tmp_path_factory.mktemp("time-bank"))


def reverts_with(contract: Contract, error: str) -> Callable[[ContractLogicError], bool]:
    """Whether a revert carries `contract`'s custom error `error`."""

    def matches(raised: ContractLogicError) -> bool:
        revert = decode_revert(raised, contract.abi)
        return revert is not None and revert.name == error

    return matches
