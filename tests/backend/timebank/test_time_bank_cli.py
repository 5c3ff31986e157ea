"""`yilian time-bank`: what staff and auditors read of banked hours, from the chain alone."""

import json
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from tests.backend.timebank.conftest import Bank
from yilian.chain.localchain import LocalChain
from yilian.cli.main import app as yilian


@pytest.fixture
def run(bank: Bank, local_chain: LocalChain) -> Callable[..., dict]:
    options = ["--rpc-url", local_chain.rpc_url, "--manifest", str(bank.manifest_path), "--json"]

    def invoke(*args: str) -> dict:
        result = CliRunner().invoke(yilian, ["time-bank", *args, *options])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return invoke


def test_credits_show_the_balance_and_each_change_with_its_session(bank: Bank, run: Callable[..., dict]) -> None:
    child, parent, activity = bank.volunteer(), bank.volunteer(), bank.activity()
    bank.attest(child.address, activity, 75)
    bank.link_family(child, parent)
    bank.give(child, parent, 30)
    shown = run("credits", child.address)
    assert shown["credit_minutes"] == bank.credits(child.address) == 45
    kinds = [(entry["kind"], entry["minutes"]) for entry in shown["history"]]
    assert kinds == [("earned", 75), ("given", -30)]
    assert shown["history"][0]["uid"] == "0x" + bank.session_uid(child.address, activity).hex()


def test_stats_add_up_the_banks_events(bank: Bank, run: Callable[..., dict]) -> None:
    before = run("stats")
    helper = bank.volunteer()
    bank.attest(helper.address, bank.activity(), 20)
    after = run("stats")
    assert after["earned_minutes"] - before["earned_minutes"] == 20
    assert after["sessions_banked"] - before["sessions_banked"] == 1
    assert after["pool_minutes"] == bank.ledger.functions.timeCreditPool().call()


def test_an_address_that_is_none_is_refused() -> None:
    result = CliRunner().invoke(yilian, ["time-bank", "credits", "wx-10001"])
    assert result.exit_code == 2
    assert "is not an address" in result.output
