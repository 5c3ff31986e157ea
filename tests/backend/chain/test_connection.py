"""connect(): plain chains and PoA chains whose blocks carry more than 32 bytes of extraData."""

from typing import Any

import pytest
from web3.exceptions import ExtraDataLengthError
from web3.providers import BaseProvider

from yilian.chain.connection import ChainIdMismatch, NoEndpointAnswers, connect
from yilian.chain.localchain import free_port

QBFT_EXTRA_DATA = "0x" + "f8" * 97  # validators, votes and seals: far over 32 bytes


class QbftLikeProvider(BaseProvider):
    """Answers eth_getBlockByNumber with a block shaped like a Besu QBFT block."""

    def make_request(self, method: Any, params: Any) -> Any:
        assert method == "eth_getBlockByNumber"
        block = {"number": "0x7", "hash": "0x" + "11" * 32, "extraData": QBFT_EXTRA_DATA}
        return {"jsonrpc": "2.0", "id": 1, "result": block}


def _with_provider(poa: bool):  # type: ignore[no-untyped-def]
    w3 = connect("http://127.0.0.1:1", poa=poa)
    w3.provider = QbftLikeProvider()
    return w3


def test_poa_middleware_accepts_long_extra_data():
    block = _with_provider(poa=True).eth.get_block("latest")
    assert block["number"] == 7
    assert block["proofOfAuthorityData"].hex() == QBFT_EXTRA_DATA[2:]


def test_without_poa_long_extra_data_is_rejected():
    with pytest.raises(ExtraDataLengthError):
        _with_provider(poa=False).eth.get_block("latest")


@pytest.mark.parametrize("poa", [False, True])
def test_connects_to_ganache(local_chain, poa):
    w3 = connect(local_chain.rpc_url, poa=poa)
    assert w3.is_connected()
    assert w3.eth.chain_id == 1337
    assert w3.eth.get_block("latest")["number"] >= 0


def test_several_endpoints_use_the_first_that_answers(local_chain):
    dead = f"http://127.0.0.1:{free_port()}"
    w3 = connect(f"{dead}, {local_chain.rpc_url}", expected_chain_id=1337)
    assert w3.eth.chain_id == 1337
    provider = w3.provider
    assert provider.active.url == local_chain.rpc_url
    assert [e["reachable"] for e in provider.health()] == [False, True]


def test_an_endpoint_of_another_chain_is_never_used(local_chain):
    w3 = connect(local_chain.rpc_url, expected_chain_id=1338)
    with pytest.raises(NoEndpointAnswers, match="all serve another chain"):
        w3.eth.block_number  # noqa: B018 - the call is the test
    (endpoint,) = w3.provider.health()
    assert endpoint["error"] == "serves chain 1337, expected 1338"
    with pytest.raises(ChainIdMismatch, match="serves chain 1337"):
        w3.provider.check_chain_ids()


def test_credentials_in_an_endpoint_url_are_never_shown(local_chain):
    secret_url = local_chain.rpc_url.replace("http://", "http://department:s3cret@") + "/?apikey=s3cret"
    (endpoint,) = connect(secret_url).provider.health()
    assert "s3cret" not in str(endpoint) and endpoint["url"] == local_chain.rpc_url + "/"
