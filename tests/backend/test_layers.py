"""The package's dependencies point one way (docs/architecture.md): read from the source with
`ast`, so a forbidden import fails here, not in review."""

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import inspect

import yilian.relay.corrections.models  # noqa: F401  (registers its table on Base)
from yilian.audit import relay_records
from yilian.certificates import store as certificate_store
from yilian.relay.db.models import Base

PACKAGE = Path(__file__).resolve().parents[2] / "backend" / "yilian"

# Which top-level parts of `yilian` each part may import. A new domain gets its own line.
ALLOWED = {
    "errors": set(),
    "chain": {"errors"},
    "records": {"chain"},
    "merchant": {"chain", "errors"},
    "governance": {"chain", "errors"},
    "audit": {"chain", "records"},
    "stats": {"audit", "chain"},
    "certificates": {"audit", "chain", "errors", "records", "stats"},
    "public": {"audit", "certificates", "chain", "errors", "stats"},
    "relay": {"audit", "certificates", "chain", "errors", "merchant", "public", "records", "stats"},
    "cli": {"audit", "certificates", "chain", "errors", "governance", "merchant", "relay", "stats"},
}
# Inside the relay: api → services → db, chain; verification is pure rules. The volunteer's
# journey has domain homes at the services' level (sign-up, corrections, matching, discovery):
# each its own models and service, using the shared services; check-in consults sign-up.
DOMAINS = ("signup", "corrections", "matching", "discover")
RELAY_ALLOWED = {
    "api": {"auth", "config", "db", "services", "verification", *DOMAINS},
    "services": {"config", "db", "metrics", "services", "verification", "signup"},
    "signup": {"db", "services"},
    "corrections": {"config", "db", "services", "verification"},
    "discover": {"db", "services", "signup", "verification"},
    "matching": {"db", "discover", "services", "signup", "verification"},
    "worker": {"config", "db", "metrics", "services"},
    "verification": {"verification"},
    "db": {"db"},
    "auth": {"db"},
    "config": set(),
    "metrics": set(),
    "app": {"api", "config", "db", "services", "worker"},
}
WEB_LIBRARIES = {"fastapi", "starlette", "uvicorn"}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module `path` imports, at any depth (function-level imports included)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from yilian.relay import metrics` imports yilian.relay.metrics (or a name of the
            # package: either way, the part of the package it depends on).
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


@cache
def _edges() -> frozenset[tuple[str, str]]:
    return frozenset(
        (_module(path), imported)
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
        for imported in _imports(path)
    )


def _part(module: str, depth: int = 1) -> str:
    return module.split(".")[depth] if module.count(".") >= depth else ""


def _top_level_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for source, target in _edges():
        if target.startswith("yilian.") and _part(source) != _part(target):
            graph.setdefault(_part(source), set()).add(_part(target))
    return graph


def test_every_top_level_part_is_declared() -> None:
    parts = {_part(_module(path)) for path in PACKAGE.rglob("*.py")} - {""}
    assert parts == set(ALLOWED)


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_top_level_parts_import_only_what_their_layer_allows(part: str) -> None:
    assert _top_level_graph().get(part, set()) <= ALLOWED[part]


def test_no_cycle_between_top_level_parts() -> None:
    graph = _top_level_graph()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph.get(start, ()))

    assert [part for part in graph if reaches(part, part, set())] == []


def test_chain_code_knows_nothing_of_http_or_databases() -> None:
    forbidden = WEB_LIBRARIES | {"sqlalchemy"}
    found = {(s, t) for s, t in _edges() if _part(s) == "chain" and t.split(".")[0] in forbidden}
    assert found == set()


def test_only_the_relay_and_its_command_serve_http() -> None:
    found = {(s, t) for s, t in _edges() if t.split(".")[0] in WEB_LIBRARIES and _part(s) not in ("relay", "cli")}
    assert found == set()


def test_relay_layers_point_one_way() -> None:
    wrong = {
        (source, target)
        for source, target in _edges()
        if _part(source) == "relay" == _part(target)
        and _part(target, 2) != _part(source, 2)
        and _part(target, 2) not in RELAY_ALLOWED[_part(source, 2)]
    }
    assert wrong == set()


def test_the_audit_reads_columns_the_relay_has() -> None:
    """audit.relay_records names the relay's tables and columns itself; they must exist."""
    tables = Base.metadata.tables
    declared_tables = (
        relay_records.ATTESTATIONS, relay_records.CHECK_INS, relay_records.ORGANISATIONS,
        relay_records.VOLUNTEERS, relay_records.CORRECTIONS, certificate_store.CERTIFICATES,
    )  # fmt: skip
    for declared in declared_tables:
        assert {c.name for c in declared.columns} <= set(inspect(tables[declared.name]).columns.keys())


def test_only_development_tools_launch_local_chains() -> None:
    """Settings and services know the development keys (chain.devkeys), never the launcher."""
    found = {s for s, t in _edges() if t.startswith("yilian.chain.localchain") and _part(s) != "chain"}
    assert found == set()
