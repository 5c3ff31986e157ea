"""Time bank on chain: hours become credits, move only by the holder's signed word, and pay for
service delivered by other volunteers exactly once."""

import pytest
from web3.exceptions import ContractLogicError

from tests.backend.timebank.conftest import AUDITOR, SERVICE_CATEGORY, Bank, reverts_with


def test_attested_minutes_become_credits_traceable_to_the_session(bank: Bank) -> None:
    volunteer, activity = bank.volunteer(), bank.activity()
    receipt = bank.attest(volunteer.address, activity, 45)
    earned = bank.ledger.events.TimeCreditsEarned().process_receipt(receipt)[0]["args"]
    assert bank.credits(volunteer.address) == 45
    assert (earned["uid"], earned["banked"], earned["toPool"]) == (bank.session_uid(volunteer.address, activity), 45, 0)


def test_a_category_the_bank_does_not_count_earns_no_credits(bank: Bank) -> None:
    volunteer, activity = bank.volunteer(), bank.activity(category=7)
    terms, cap = bank.ledger.functions.timeCreditTerms().call()
    bank.send(bank.ledger.functions.setTimeCreditTerms(terms & ~(1 << 7), cap))
    try:
        bank.attest(volunteer.address, activity, 30)
    finally:
        bank.send(bank.ledger.functions.setTimeCreditTerms(terms, cap))
    assert bank.ledger.functions.minutesServed(volunteer.address).call() == 30
    assert bank.credits(volunteer.address) == 0


def test_minutes_past_the_cap_go_to_the_pool(bank: Bank) -> None:
    volunteer, activity = bank.volunteer(), bank.activity()
    terms, cap = bank.ledger.functions.timeCreditTerms().call()
    pool_before = bank.ledger.functions.timeCreditPool().call()
    bank.send(bank.ledger.functions.setTimeCreditTerms(terms, 100))
    try:
        bank.attest(volunteer.address, activity, 80, session=0)
        bank.attest(volunteer.address, activity, 50, session=1)
    finally:
        bank.send(bank.ledger.functions.setTimeCreditTerms(terms, cap))
    assert bank.credits(volunteer.address) == 100
    assert bank.ledger.functions.timeCreditPool().call() == pool_before + 30


def test_credits_move_to_family_only_after_both_consents_and_a_registrar(bank: Bank) -> None:
    child, parent, activity = bank.volunteer(), bank.volunteer(), bank.activity()
    bank.attest(child.address, activity, 60)
    bank.link_family(child, parent, registrar=False)
    deadline, signature = bank.signed(
        child, "FamilyGift", **{"from": child.address, "to": parent.address, "creditMinutes": 40}
    )
    gift = bank.time_bank.functions.giveToFamily(child.address, parent.address, 40, deadline, signature)
    with pytest.raises(ContractLogicError) as refused:
        bank.send(gift)
    assert reverts_with(bank.time_bank, "TimeBankNotFamily")(refused.value)

    bank.send(bank.time_bank.functions.confirmFamilyLink(parent.address, child.address))
    bank.send(gift)
    assert (bank.credits(child.address), bank.credits(parent.address)) == (20, 40)


def test_a_gift_needs_the_holders_own_signature_once(bank: Bank) -> None:
    child, parent, stranger, activity = bank.volunteer(), bank.volunteer(), bank.volunteer(), bank.activity()
    bank.attest(child.address, activity, 60)
    bank.link_family(child, parent)
    terms = {"from": child.address, "to": parent.address, "creditMinutes": 30}
    _, forged = bank.signed(stranger, "FamilyGift", **terms)
    deadline, signature = bank.signed(child, "FamilyGift", **terms)
    for bad in (forged, signature):
        if bad is signature:  # the genuine one works once; its replay is refused
            bank.send(bank.time_bank.functions.giveToFamily(child.address, parent.address, 30, deadline, signature))
        with pytest.raises(ContractLogicError) as refused:
            bank.send(bank.time_bank.functions.giveToFamily(child.address, parent.address, 30, deadline, bad))
        assert reverts_with(bank.time_bank, "TimeBankInvalidSignature")(refused.value)
    assert bank.credits(parent.address) == 30


def test_an_expired_signature_moves_nothing(bank: Bank) -> None:
    holder, activity = bank.volunteer(), bank.activity()
    bank.attest(holder.address, activity, 30)
    deadline, signature = bank.signed(
        holder, "PoolDonation", deadline=bank.now() - 1, **{"from": holder.address, "creditMinutes": 10}
    )
    with pytest.raises(ContractLogicError) as refused:
        bank.send(bank.time_bank.functions.donateToPool(holder.address, 10, deadline, signature))
    assert reverts_with(bank.time_bank, "TimeBankExpiredSignature")(refused.value)
    assert bank.credits(holder.address) == 30


def test_only_the_time_bank_moves_credits(bank: Bank) -> None:
    holder, activity = bank.volunteer(), bank.activity()
    bank.attest(holder.address, activity, 30)
    with pytest.raises(ContractLogicError) as refused:
        bank.send(bank.ledger.functions.moveTimeCredits(holder.address, bank.ledger.address, 30))
    assert reverts_with(bank.ledger, "HourLedgerNotTimeBank")(refused.value)


def test_revocation_after_a_gift_takes_back_what_is_left_and_reports_the_rest(bank: Bank) -> None:
    child, parent, activity = bank.volunteer(), bank.volunteer(), bank.activity()
    bank.attest(child.address, activity, 60)
    bank.link_family(child, parent)
    bank.give(child, parent, 45)
    receipt = bank.send(bank.ledger.functions.revoke(child.address, activity, 0, "never served"), AUDITOR)
    reversed_ = bank.ledger.events.TimeCreditsReversed().process_receipt(receipt)[0]["args"]
    assert (reversed_["reclaimed"], reversed_["unrecovered"]) == (15, 45)
    assert (bank.credits(child.address), bank.credits(parent.address)) == (0, 45)


def test_a_parents_credits_pay_exactly_for_the_companionship_served(bank: Bank) -> None:
    child, parent, companion = bank.volunteer(), bank.volunteer(), bank.volunteer()
    bank.attest(child.address, bank.activity(), 120)
    bank.link_family(child, parent)
    bank.give(child, parent, 90)

    service = bank.activity(category=SERVICE_CATEGORY)
    bank.request_service(parent, service)
    receipt = bank.attest(companion.address, service, 50, batch=True)
    withdrawn = bank.ledger.events.TimeCreditsWithdrawn().process_receipt(receipt)[0]["args"]
    assert (withdrawn["fromRequester"], withdrawn["fromPool"], withdrawn["unfunded"]) == (50, 0, 0)
    assert (bank.credits(parent.address), bank.credits(companion.address)) == (40, 50)

    # The relay resubmits the same session after a crash: the ledger reports a replay, no second debit.
    bank.attest(companion.address, service, 50, batch=True)
    assert bank.credits(parent.address) == 40


def test_the_pool_honours_what_the_requester_lacks(bank: Bank) -> None:
    donor, requester, helper = bank.volunteer(), bank.volunteer(), bank.volunteer()
    bank.attest(donor.address, bank.activity(), 100)
    bank.donate(donor, 100)
    pool = bank.ledger.functions.timeCreditPool().call()
    service = bank.activity(category=SERVICE_CATEGORY)
    bank.request_service(requester, service)
    bank.attest(helper.address, service, 60)
    assert bank.credits(requester.address) == 0
    assert bank.ledger.functions.timeCreditPool().call() == pool - 60


def test_a_service_request_needs_a_service_activity(bank: Bank) -> None:
    requester, ordinary = bank.volunteer(), bank.activity(category=1)
    deadline, signature = bank.signed(requester, "ServiceRequest", requester=requester.address, activityId=ordinary)
    with pytest.raises(ContractLogicError) as refused:
        bank.send(bank.time_bank.functions.requestService(requester.address, ordinary, deadline, signature))
    assert reverts_with(bank.time_bank, "TimeBankNotServiceActivity")(refused.value)
