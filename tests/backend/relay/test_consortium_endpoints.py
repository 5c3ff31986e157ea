"""Several RPC endpoints, one per department's node (YILIAN_RPC_URLS): the relay uses the first
that answers and fails over when it dies, with nothing lost or doubled; /healthz shows each
endpoint (from a probe at most a second old); a relay whose endpoint serves another chain than its
manifest's refuses to start."""

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from yilian.chain.connection import ChainIdMismatch
from yilian.chain.localchain import free_port
from yilian.relay.api.routes import health as health_route
from yilian.relay.app import create_app
from yilian.relay.worker import wait_until_idle

from .conftest import Relay, relay_settings
from .harness import RpcProxy, attestation_rows, attested, deployed_chain, queued_uids, worker_of

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def relay_chain(tmp_path_factory) -> Iterator:  # type: ignore[no-untyped-def]
    with deployed_chain(tmp_path_factory.mktemp("chain")) as deployed:
        yield deployed


@pytest.fixture
def nodes(relay_chain) -> Iterator[tuple[RpcProxy, RpcProxy]]:  # type: ignore[no-untyped-def]
    """Two departments' nodes of the same chain: two proxies in front of one ganache."""
    with RpcProxy(relay_chain[0].rpc_url) as first, RpcProxy(relay_chain[0].rpc_url) as second:
        yield first, second


@pytest.fixture
def relay_overrides(nodes) -> dict:  # type: ignore[no-untyped-def]
    return {"rpc_urls": ",".join(node.url for node in nodes)}


def _health(relay: Relay) -> tuple[int, dict]:
    response = relay.client.get("/healthz")
    return response.status_code, response.json()


def test_a_node_dies_mid_run_and_the_relay_fails_over_losing_nothing(relay, nodes, face_provider):
    first, second = nodes
    since = relay.chain.w3.eth.block_number
    worker = worker_of(relay)
    uids = queued_uids(relay, face_provider, volunteers=3)
    wait_until_idle(worker, timeout_s=30)
    assert relay.chain.provider.active.url == first.url

    first.__exit__(None, None, None)  # the first department's node goes away
    uids += queued_uids(relay, face_provider, volunteers=3)  # registrations fail over too
    wait_until_idle(worker, timeout_s=30)

    assert relay.chain.provider.active.url == second.url
    assert {row.status for row in attestation_rows(relay.sessions, uids).values()} == {"confirmed"}
    assert attested(relay.chain.ledger, since) == dict.fromkeys(uids, 1), "nothing lost, nothing doubled"
    status, health = _health(relay)
    assert (status, health["status"], health["chain"]) == (200, "degraded", True)
    down, up = health["endpoints"]
    assert (down["url"], down["reachable"], down["active"]) == (first.url, False, False)
    assert (up["url"], up["reachable"], up["active"], up["chain_id"]) == (second.url, True, True, 1337)


def test_every_node_down_is_an_outage(relay, nodes):
    for node in nodes:
        node.__exit__(None, None, None)
    status, health = _health(relay)
    assert (status, health["chain"]) == (503, False)
    assert [endpoint["reachable"] for endpoint in health["endpoints"]] == [False, False]


def test_polls_within_a_probes_lifetime_are_answered_from_it(relay, nodes, monkeypatch):
    monkeypatch.setattr(health_route, "HEALTH_TTL_S", 3.0)
    first, _ = nodes
    assert _health(relay)[1]["status"] == "ok"
    first.__exit__(None, None, None)
    assert _health(relay)[1]["status"] == "ok", "no new RPC calls while the last probe is fresh"
    time.sleep(3.0)
    status, health = _health(relay)
    assert (status, health["status"], [e["reachable"] for e in health["endpoints"]]) == (200, "degraded", [False, True])


def _manifest_for_chain(manifest: Path, chain_id: int, folder: Path) -> Path:
    moved = folder / "other-chain.json"
    moved.write_text(json.dumps({**json.loads(manifest.read_text()), "chain_id": chain_id}))
    return moved


def test_the_relay_refuses_to_start_on_an_endpoint_of_another_chain(relay_chain, database_url, tmp_path):
    chain, manifest = relay_chain
    dead = f"http://127.0.0.1:{free_port()}"
    settings = relay_settings(
        database_url, chain.rpc_url, _manifest_for_chain(manifest, 1338, tmp_path), rpc_urls=f"{dead},{chain.rpc_url}"
    )
    refused = pytest.raises(ChainIdMismatch, match=r"expected chain 1338, but http://127.0.0.1:\d+ serves chain 1337")
    with refused, TestClient(create_app(settings)):
        pass


def test_a_node_down_at_start_up_does_not_stop_the_relay(relay_chain, database_url):
    chain, manifest = relay_chain
    dead = f"http://127.0.0.1:{free_port()}"
    settings = relay_settings(database_url, chain.rpc_url, manifest, rpc_urls=f"{dead},{chain.rpc_url}")
    with TestClient(create_app(settings)) as client:
        health = client.get("/healthz").json()
    assert [(e["reachable"], e["active"]) for e in health["endpoints"]] == [(False, False), (True, True)]
