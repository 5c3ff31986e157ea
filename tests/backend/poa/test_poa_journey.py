"""The whole journey on the Clique chain, through the relay with YILIAN_POA: register, check in,
check out, confirmed at the chain's finality depth, redeem and settle at a merchant, revoke, audit
clean, certificate issued and verified. A block a second: the test takes about a minute."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.backend.audit.journey import OFFER_PRICE, SETTLED, Journey
from tests.backend.certificates.test_certificates import issue, verify
from yilian.cli.main import app

pytestmark = [pytest.mark.poa, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def test_the_journey_runs_on_a_clique_chain(journey: Journey, tmp_path: Path) -> None:
    relay, w3 = journey.relay, journey.w3
    assert relay.chain.confirmations(relay.settings) == 2, "one signer: the block and one on top"
    for session in journey.sessions:
        answer = relay.client.get(f"/v1/attestations/{session.uid}", headers=relay.headers("app")).json()
        assert answer["status"] == "confirmed", answer
        assert w3.eth.block_number - answer["block_number"] + 1 >= 2
    batch = w3.eth.get_transaction(answer["tx_hash"])
    assert (batch["type"], batch["gasPrice"]) == (0, 0), "zero-price legacy transactions on a free-gas chain"

    alliance, yicoin = journey.contract("MerchantAlliance"), journey.contract("YiCoin")
    assert alliance.events.OfferRedeemed().get_logs(from_block=0)[0].args.amount == OFFER_PRICE
    assert yicoin.functions.totalSupply().call() == sum(s.points for s in journey.standing()) - SETTLED

    audit = CliRunner().invoke(app, [
        "audit", "--rpc-url", journey.rpc_url, "--poa", "--manifest", str(journey.manifest_path),
        "--relay-db", journey.database_url, "--out", str(tmp_path / "audit"),
    ])  # fmt: skip
    assert audit.exit_code == 0 and "CLEAN" in audit.output, audit.output

    certificate = issue(journey)
    assert certificate.status_code == 201, certificate.text
    verdict = verify(journey, certificate.json())
    assert verdict["valid"] is True, verdict["reasons"]
