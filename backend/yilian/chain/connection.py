"""Web3 connections to Yilian's chains: ganache/Anvil locally, PoA chains in production.

A consortium has one node per department; a client given several of their RPC URLs keeps using
one until it stops answering, then moves on to the next (`FailoverProvider`). Every endpoint must
serve the expected chain: one that serves another is never used.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from web3 import Web3
from web3.exceptions import Web3RPCError
from web3.middleware import ExtraDataToPOAMiddleware
from web3.providers import HTTPProvider, JSONBaseProvider
from web3.types import RPCEndpoint, RPCResponse

# EthereumJS answers a receipt or transaction lookup with this error, instead of null, while the
# block that holds the transaction is being imported: it means "not there yet".
_NOT_YET = "not found in DB"
_LOOKUPS = ("eth_getTransactionReceipt", "eth_getTransactionByHash")


class ChainIdMismatch(RuntimeError):
    """An endpoint serves another chain than the one expected (a misconfigured department node)."""


class NoEndpointAnswers(ConnectionError):
    """Every configured RPC endpoint failed (an OSError, as one unreachable node is)."""


@dataclass
class Endpoint:
    url: str
    provider: HTTPProvider
    chain_id_checked: bool = False
    wrong_chain_id: int | None = None
    last_error: str | None = None
    last_ok_at: float | None = None

    @property
    def label(self) -> str:
        """The URL without credentials or query (API keys live there): safe to show and log."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class FailoverProvider(JSONBaseProvider):
    """JSON-RPC over HTTP to the first endpoint that answers, staying with it while it does."""

    def __init__(self, urls: Sequence[str], *, timeout: float, expected_chain_id: int | None = None) -> None:
        super().__init__()
        if not urls:
            raise ValueError("no RPC endpoint given")
        # One endpoint: web3's own retries ride out a blip. Several: fail over at once instead.
        retries: dict[str, Any] = {} if len(urls) == 1 else {"exception_retry_configuration": None}
        self.endpoints = [
            Endpoint(url, HTTPProvider(url, request_kwargs={"timeout": timeout}, **retries)) for url in urls
        ]
        self.expected_chain_id = expected_chain_id
        self.active = self.endpoints[0]
        self._lock = threading.Lock()

    @property
    def endpoint_uri(self) -> str:
        """The endpoint in use now, as web3's HTTPProvider names its one."""
        return self.active.url

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        response = self._first_answer(lambda provider: provider.make_request(method, params))
        return _not_yet_as_null(method, response)

    def make_batch_request(self, requests: list[tuple[RPCEndpoint, Any]]) -> Any:
        answers = self._first_answer(lambda provider: provider.make_batch_request(requests))
        if not isinstance(answers, list):  # the node refused the batch as a whole
            return answers
        return [_not_yet_as_null(method, answer) for (method, _), answer in zip(requests, answers, strict=True)]

    def _first_answer(self, call: Any) -> Any:
        failures = []
        for endpoint in self._in_order():
            try:
                self._check_chain_id(endpoint)
                if endpoint.wrong_chain_id is not None:
                    continue
                answer = call(endpoint.provider)
            except OSError as error:  # refused, reset, timed out, HTTP 5xx
                endpoint.last_error = type(error).__name__
                failures.append(f"{endpoint.label}: {type(error).__name__}")
                continue
            endpoint.last_error, endpoint.last_ok_at = None, time.time()
            self.active = endpoint
            return answer
        raise NoEndpointAnswers("no RPC endpoint answers (" + "; ".join(failures or ["all serve another chain"]) + ")")

    def _in_order(self) -> list[Endpoint]:
        active = self.active
        return [active, *(endpoint for endpoint in self.endpoints if endpoint is not active)]

    def _check_chain_id(self, endpoint: Endpoint) -> None:
        """Before its first use, an endpoint must prove it serves the expected chain."""
        if self.expected_chain_id is None or endpoint.chain_id_checked:
            return
        with self._lock:
            if endpoint.chain_id_checked:
                return
            chain_id = int(endpoint.provider.make_request(RPCEndpoint("eth_chainId"), [])["result"], 16)
            endpoint.wrong_chain_id = None if chain_id == self.expected_chain_id else chain_id
            endpoint.chain_id_checked = True

    def check_chain_ids(self) -> None:
        """Start-up check: raises ChainIdMismatch if any reachable endpoint serves another chain.
        An unreachable one is checked when it first answers, and skipped if it is wrong then."""
        for endpoint in self.endpoints:
            try:
                self._check_chain_id(endpoint)
            except OSError as error:
                endpoint.last_error = type(error).__name__
        wrong = [f"{e.label} serves chain {e.wrong_chain_id}" for e in self.endpoints if e.wrong_chain_id is not None]
        if wrong:
            raise ChainIdMismatch(f"expected chain {self.expected_chain_id}, but " + "; ".join(wrong))

    def health(self) -> list[dict[str, Any]]:
        """Each endpoint asked now, directly: reachable, its chain id and head, any error."""
        return [self._probe(endpoint) for endpoint in self.endpoints]

    def _probe(self, endpoint: Endpoint) -> dict[str, Any]:
        report: dict[str, Any] = {"url": endpoint.label, "active": endpoint is self.active}
        try:
            chain_id = int(endpoint.provider.make_request(RPCEndpoint("eth_chainId"), [])["result"], 16)
            head = int(endpoint.provider.make_request(RPCEndpoint("eth_blockNumber"), [])["result"], 16)
        except (OSError, KeyError, TypeError, ValueError) as error:
            return {**report, "reachable": False, "chain_id": None, "block_number": None, "error": type(error).__name__}
        wrong = self.expected_chain_id is not None and chain_id != self.expected_chain_id
        problem = f"serves chain {chain_id}, expected {self.expected_chain_id}" if wrong else None
        return {**report, "reachable": True, "chain_id": chain_id, "block_number": head, "error": problem}


def _not_yet_as_null(method: str, response: RPCResponse) -> RPCResponse:
    error = response.get("error")
    if method in _LOOKUPS and isinstance(error, dict) and _NOT_YET in str(error.get("message", "")):
        return RPCResponse(jsonrpc="2.0", id=response.get("id", 0), result=None)
    return response


def ask_each(w3: Web3, method: str, params: Sequence[list[Any]], chunk: int = 100) -> list[Any]:
    """`method` once for each of `params`, in JSON-RPC batches of `chunk` (one round trip each,
    under geth's and Besu's batch limits): the results in order; any error answer raises."""
    results: list[Any] = []
    for start in range(0, len(params), chunk):
        requests = [(RPCEndpoint(method), list(p)) for p in params[start : start + chunk]]
        answers = cast(JSONBaseProvider, w3.provider).make_batch_request(requests)
        if not isinstance(answers, list):
            raise Web3RPCError(str(answers.get("error", answers)), rpc_response=answers)
        for answer in answers:
            if "error" in answer:
                raise Web3RPCError(str(answer["error"]), rpc_response=answer)
            results.append(answer.get("result"))
    return results


def lookup_not_ready(error: Exception) -> bool:
    """Whether a receipt lookup failed only because the node is still importing its block."""
    return _NOT_YET in str(error)


def connect(
    rpc_url: str | Sequence[str], *, poa: bool = False, timeout: float = 10, expected_chain_id: int | None = None
) -> Web3:
    """An HTTP JSON-RPC connection to one node, or to the first answering of several (a comma-
    separated string or a list); `poa=True` for Besu QBFT / Clique / GoQuorum chains.

    PoA chains put validator data in `extraData` (more than the 32 bytes the Ethereum spec
    allows), which web3's block formatters reject; the PoA middleware must run at layer 0,
    before any other middleware sees the block.
    """
    urls = rpc_urls(rpc_url) if isinstance(rpc_url, str) else list(rpc_url)
    w3 = Web3(FailoverProvider(urls, timeout=timeout, expected_chain_id=expected_chain_id))
    if poa:
        w3.middleware_onion.inject(ExtraDataToPOAMiddleware, layer=0)
    return w3


def rpc_urls(text: str) -> list[str]:
    """'http://a:8545, http://b:8545' → both URLs, in order."""
    return [url.strip() for url in text.split(",") if url.strip()]
