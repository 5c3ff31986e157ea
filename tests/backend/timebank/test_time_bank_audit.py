"""The audit rebuilds every account's credits and the pool from the ledger's events alone and
finds them equal to the ledger's state."""

from yilian.audit.run import run_audit
from yilian.audit.time_credits import POOL

from tests.backend.timebank.conftest import AUDITOR, SERVICE_CATEGORY, Bank


def test_audit_rebuilds_time_credits_and_the_pool_from_events(bank: Bank) -> None:
    child, parent, helper = bank.volunteer(), bank.volunteer(), bank.volunteer()
    activity = bank.activity()
    bank.attest(child.address, activity, 120)
    bank.attest(helper.address, activity, 30)
    bank.link_family(child, parent)
    deadline, signature = bank.signed(
        child, "FamilyGift", **{"from": child.address, "to": parent.address, "creditMinutes": 100}
    )
    bank.send(bank.time_bank.functions.giveToFamily(child.address, parent.address, 100, deadline, signature))
    deadline, signature = bank.signed(helper, "PoolDonation", **{"from": helper.address, "creditMinutes": 30})
    bank.send(bank.time_bank.functions.donateToPool(helper.address, 30, deadline, signature))
    service = bank.activity(category=SERVICE_CATEGORY)
    deadline, signature = bank.signed(parent, "ServiceRequest", requester=parent.address, activityId=service)
    bank.send(bank.time_bank.functions.requestService(parent.address, service, deadline, signature))
    bank.attest(helper.address, service, 40)
    bank.send(bank.ledger.functions.revoke(child.address, activity, 0, "duplicate record"), AUDITOR)

    report = run_audit(bank.w3, bank.manifest)
    assert report.clean, [finding.to_dict() for finding in report.findings]
    rebuilt = report.progress.state.time_credits
    for account in (child.address, parent.address, helper.address, POOL):
        assert rebuilt.get(account, 0) == bank.credits(account)
    assert (rebuilt[child.address], rebuilt[parent.address]) == (0, 60)
    assert report.summary()["time_credit_pool_minutes"] == bank.ledger.functions.timeCreditPool().call()
