"""Two districts' banks honour each other's credits under an agreement recorded on chain."""

import pytest
from web3.exceptions import ContractLogicError

from tests.backend.timebank.conftest import Bank, deploy_bank, reverts_with


@pytest.fixture(scope="module")
def partner(bank: Bank, tmp_path_factory: pytest.TempPathFactory) -> Bank:
    return deploy_bank(bank.w3, tmp_path_factory.mktemp("partner-bank"))


def test_credits_exported_under_an_agreement_arrive_once_at_the_partner(bank: Bank, partner: Bank) -> None:
    here_id, there_id = bank.time_bank.functions.bankId().call(), partner.time_bank.functions.bankId().call()
    bank.send(bank.time_bank.functions.recordExchangeAgreement(there_id, bytes(32)))
    partner.send(partner.time_bank.functions.recordExchangeAgreement(here_id, bytes(32)))
    mover, recipient = bank.volunteer(), partner.volunteer()
    bank.attest(mover.address, bank.activity(), 90)

    terms = {"from": mover.address, "partnerBank": there_id, "recipient": recipient.address, "creditMinutes": 60}
    deadline, signature = bank.signed(mover, "CreditExport", **terms)
    receipt = bank.send(
        bank.time_bank.functions.exportCredits(mover.address, there_id, recipient.address, 60, deadline, signature)
    )
    export_id = bank.time_bank.events.CreditsExported().process_receipt(receipt)[0]["args"]["exportId"]
    assert bank.credits(mover.address) == 30

    partner.send(partner.time_bank.functions.importCredits(here_id, export_id, recipient.address, 60))
    assert partner.credits(recipient.address) == 60
    with pytest.raises(ContractLogicError) as refused:
        partner.send(partner.time_bank.functions.importCredits(here_id, export_id, recipient.address, 60))
    assert reverts_with(partner.time_bank, "TimeBankAlreadyImported")(refused.value)


def test_no_export_without_an_agreement(bank: Bank) -> None:
    mover = bank.volunteer()
    bank.attest(mover.address, bank.activity(), 30)
    stranger_bank = b"\x01" * 32
    terms = {"from": mover.address, "partnerBank": stranger_bank, "recipient": mover.address, "creditMinutes": 10}
    deadline, signature = bank.signed(mover, "CreditExport", **terms)
    with pytest.raises(ContractLogicError) as refused:
        bank.send(
            bank.time_bank.functions.exportCredits(mover.address, stranger_bank, mover.address, 10, deadline, signature)
        )
    assert reverts_with(bank.time_bank, "TimeBankNoAgreement")(refused.value)
    assert bank.credits(mover.address) == 30
