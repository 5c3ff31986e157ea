"""Crash safety: the relay process is SIGKILLed again and again while apps check volunteers in
and out; in the end every check-out answered with an attestation is on chain exactly once.

Kills fall at random moments. Random kills hardly ever hit the few milliseconds between
committing a batch and broadcasting it, so before every third kill the RPC proxy starts holding
broadcasts, and that kill waits, if need be, until the relay has recorded a batch and is
broadcasting it: the relay dies with the node never told."""

import random
import time
from collections import Counter

import pytest
from eth_account import Account

from .harness import CheckInDriver, RelayProcess, RpcProxy, crash_site, deployed_chain, tally, wait_until
from .harness import wait_until_drained as drained
from .scenario import Scenario

KILLS = 10
VOLUNTEERS = 40  # × 2 activities × 16 sessions: more check-outs than the run makes

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def relay_chain(tmp_path):
    """A chain that mines a block a second, like a real one: batches wait for their receipts."""
    with deployed_chain(tmp_path, block_time=1) as deployed:
        yield deployed


def test_sigkilled_relay_loses_no_check_out_and_counts_none_twice(relay, relay_chain, face_provider, tmp_path):
    started = time.monotonic()
    scenario = Scenario(relay, face_provider)
    organisation = scenario.organisation()
    activities = [scenario.activity(organisation) for _ in range(2)]
    volunteers = [scenario.volunteer(address=Account.create().address) for _ in range(VOLUNTEERS)]
    seed = random.randrange(2**32)
    pause = random.Random(seed)
    sites: Counter[str] = Counter()

    settings = {"batch_max_age_s": 0.5, "poll_interval_s": 0.1, "confirmations": 2}
    with (
        RpcProxy(relay_chain[0].rpc_url) as proxy,
        RelayProcess(tmp_path / "relay", relay, rpc_url=proxy.url, **settings) as process,
    ):
        set_up = time.monotonic()
        driver = CheckInDriver(process.url, relay, scenario, activities, volunteers).start()
        driver.wait_for(5)
        for kill in range(KILLS):
            in_the_window = kill % 3 == 2
            if in_the_window:
                proxy.hold_broadcasts()
            time.sleep(pause.uniform(0.2, 2.0))
            if in_the_window:
                wait_until(lambda: proxy.held, 10, "a broadcast held")
            process.kill()
            proxy.drop_held()
            sites[crash_site(relay)] += 1
            process.start()
        driver.wait_for(len(driver.checked_out) + 5)  # and it goes on after the last restart
        driver.stop()
        killed = time.monotonic()
        drained(relay.sessions, timeout_s=60)

    result = tally(relay, driver.checked_out)
    print(
        f"\n{process.kills} SIGKILLs (seed {seed}): {dict(sites)}, {proxy.dropped} broadcasts "
        f"never sent; {driver.retries} retried requests; {result}; set-up "
        f"{set_up - started:.0f} s, kills {killed - set_up:.0f} s, drain "
        f"{time.monotonic() - killed:.0f} s"
    )
    assert process.kills >= 10
    assert result.checked_out >= 50
    assert sites["awaiting receipts"] > 0 and sites["between recording and broadcasting"] > 0
    result.assert_exactly_once()
