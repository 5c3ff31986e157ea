"""The audit rebuilds every account's credits and the pool from the ledger's events alone and
finds them equal to the ledger's state."""

from tests.backend.timebank.conftest import AUDITOR, SERVICE_CATEGORY, Bank
from yilian.audit.run import run_audit
from yilian.audit.time_credits import POOL


def test_audit_rebuilds_time_credits_and_the_pool_from_events(bank: Bank) -> None:
    child, parent, helper = bank.volunteer(), bank.volunteer(), bank.volunteer()
    activity = bank.activity()
    bank.attest(child.address, activity, 120)
    bank.attest(helper.address, activity, 30)
    bank.link_family(child, parent)
    bank.give(child, parent, 100)
    bank.donate(helper, 30)
    service = bank.activity(category=SERVICE_CATEGORY)
    bank.request_service(parent, service)
    bank.attest(helper.address, service, 40)
    bank.send(bank.ledger.functions.revoke(child.address, activity, 0, "duplicate record"), AUDITOR)

    report = run_audit(bank.w3, bank.manifest)
    assert report.clean, [finding.to_dict() for finding in report.findings]
    rebuilt = report.progress.state.time_credits
    for account in (child.address, parent.address, helper.address, POOL):
        assert rebuilt.get(account, 0) == bank.credits(account)
    assert (rebuilt[child.address], rebuilt[parent.address]) == (0, 60)
    assert report.summary()["time_credit_pool_minutes"] == bank.ledger.functions.timeCreditPool().call()
