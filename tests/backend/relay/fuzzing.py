"""Property-based requests from the relay's own OpenAPI document (Schemathesis), with every role's
key and without one: valid data (positive) and data that breaks the schema (negative). Every
answer must be below 500 and conform to the document (status, content type, body schema)."""

import contextlib
import json
from collections import Counter
from dataclasses import dataclass, field

import httpx
import requests
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from requests.structures import CaseInsensitiveDict
from schemathesis import DataGenerationMethod
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.exceptions import SkipTest

from .conftest import Relay

CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)
ROLES = ("app", "organiser", "auditor", "admin", None)
METHODS = (DataGenerationMethod.positive, DataGenerationMethod.negative)


@dataclass
class Tally:
    requests: int = 0
    server_errors: int = 0
    schema_violations: int = 0
    statuses: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)  # the first few failures, to reproduce

    def note(self, what: str) -> None:
        if len(self.examples) < 10:
            self.examples.append(what)

    def summary(self) -> str:
        return (
            f"requests={self.requests} server_errors={self.server_errors} "
            f"schema_violations={self.schema_violations} statuses={dict(sorted(self.statuses.items()))}"
        )


def fuzz(relay: Relay, examples: int, seed: int = 0, *, organisation: int) -> Tally:
    """`examples` valid requests per operation and role (and none), and `examples` invalid ones;
    the organiser key is `organisation`'s."""
    schema = schemathesis.from_dict(relay.client.app.openapi(), data_generation_methods=list(METHODS))
    client = TestClient(relay.client.app, raise_server_exceptions=False)  # a 5xx is counted, not raised
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        for role in ROLES:
            headers = relay.headers(role, organisation=organisation) if role else {}
            _run(relay, client, operation, (role, headers), DataGenerationMethod.positive, examples, seed, tally)
        # Invalid data with the key every operation admits: the refusal must come from the bounds.
        admin = ("admin", relay.headers("admin"))
        _run(relay, client, operation, admin, DataGenerationMethod.negative, examples, seed, tally)
    return tally


def _run(relay, client, operation, key, method, examples, seed, tally) -> None:  # type: ignore[no-untyped-def]
    role, key_headers = key

    @given(case=operation.as_strategy(data_generation_method=method))
    @settings(
        max_examples=examples, deadline=None, database=None, derandomize=seed == 0,
        suppress_health_check=list(HealthCheck), phases=[Phase.generate], print_blob=False,
    )  # fmt: skip
    def send(case) -> None:  # type: ignore[no-untyped-def]
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in ("authorization", "x-api-key")}
        case.headers = headers | key_headers
        kwargs = case.as_requests_kwargs(base_url="http://testserver")
        try:
            response = client.request(
                kwargs["method"], kwargs["url"], params=kwargs.get("params"), headers=kwargs.get("headers"),
                content=_body(kwargs), cookies=kwargs.get("cookies"),
            )  # fmt: skip
        except (UnicodeEncodeError, ValueError):
            return  # a header or URL no HTTP client can send (non-Latin-1 text): not a request
        _judge(case, _as_requests(response), role, tally)

    with contextlib.suppress(SkipTest):  # no invalid input exists for an operation without parameters
        send()


def _body(kwargs: dict) -> bytes | None:  # type: ignore[type-arg]
    if "json" in kwargs and kwargs["json"] is not None:
        return json.dumps(kwargs["json"]).encode()
    data = kwargs.get("data")
    return data.encode() if isinstance(data, str) else data


def _as_requests(response: httpx.Response) -> requests.Response:
    """Schemathesis 3.18's checks read responses the way `requests` shapes them."""
    converted = requests.Response()
    converted.status_code, converted._content = response.status_code, response.content
    converted.headers = CaseInsensitiveDict(response.headers)
    converted.encoding, converted.url = response.encoding, str(response.url)
    converted.request = requests.Request(response.request.method, str(response.request.url)).prepare()
    return converted


def _judge(case, response, role, tally: Tally) -> None:  # type: ignore[no-untyped-def]
    tally.requests += 1
    tally.statuses[response.status_code] += 1
    where = f"{case.operation.verbose_name} as {role or 'nobody'} → {response.status_code} {response.text[:200]}"
    for check in CHECKS:
        try:
            check(response, case)
        except AssertionError as failure:
            if check is not_a_server_error:
                tally.server_errors += 1
            else:
                tally.schema_violations += 1
            tally.note(f"{check.__name__}: {where} [{failure}] body={case.body!r:.300}")
