"""The environment a benchmark runs in: a local chain with the contracts, a scratch database,
and the relay as a real server process (`yilian relay serve`, or uvicorn with N workers)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from yilian.chain.artifacts import PROJECT_ROOT
from yilian.chain.connection import connect
from yilian.chain.deployment import deploy_development
from yilian.chain.localchain import LocalChain, free_port
from yilian.relay.auth import create_api_key
from yilian.relay.db.migrate import upgrade
from yilian.relay.db.session import make_engine, make_sessionmaker, transaction

VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
POSTGRES_ADMIN_URL = os.environ.get("YILIAN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
ROLES = ("app", "organiser", "auditor", "admin")


@contextmanager
def local_chain(kind: str, workdir: Path, **options: object) -> Iterator[tuple[LocalChain, Path]]:
    """A fresh chain with the four contracts; the development accounts as in the relay tests
    (0: admin/registrar/submitter, 2: auditor; attesters are per organisation)."""
    chain = LocalChain(kind=kind, log_path=workdir / f"{kind}.log", **options)  # type: ignore[arg-type]
    with chain:
        w3 = connect(chain.rpc_url, timeout=60)
        path = workdir / f"manifest-{kind}.json"
        deploy_development(w3, path)
        yield chain, path


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@contextmanager
def scratch_database(kind: str, workdir: Path) -> Iterator[str]:
    """A new, migrated database: a SQLite file in `workdir`, or a scratch PostgreSQL database
    (dropped afterwards) on the server of YILIAN_TEST_POSTGRES."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / f'relay-{uuid.uuid4().hex[:8]}.db'}"
        upgrade(url)
        yield url
        return
    name = f"yilian_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    base = POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0]
    url = f"{base}/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        make_engine(url).dispose()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def create_keys(database_url: str) -> dict[str, str]:
    """One API key per role but organiser (bound to one organisation; the admin key acts for
    every organisation), as `yilian relay create-key` makes them."""
    engine = make_engine(database_url)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            roles = [role for role in ROLES if role != "organiser"]
            return {role: create_api_key(session, name=f"bench {role}", role=role)[1] for role in roles}
    finally:
        engine.dispose()


@dataclass
class RelayServer:
    """The relay in its own process group, as it runs in production; `kill()` then `start()`
    brings it back on the same port (the soak's SIGKILLs)."""

    url: str
    argv: list[str]
    env: dict[str, str]
    command: str  # as shown in reports
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    kills: int = 0

    def start(self) -> RelayServer:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.argv, cwd=self.log_path.parent, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_ready(self)
        return self

    def kill(self) -> None:
        """SIGKILL to the whole group: no cleanup code runs."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def relay_process(
    *, database_url: str, rpc_url: str, manifest: Path, workdir: Path, workers: int = 1,
    settings: dict[str, object] | None = None,
) -> RelayServer:  # fmt: skip
    """workers=1: `yilian relay serve` (API + outbox worker in one process); workers>1:
    `uvicorn --workers N --factory yilian.relay.app:create_app`, every process an API server
    with its own outbox worker (they share the database's nonce cursor and row locks). Not started."""
    port = free_port()
    env = dict(
        os.environ,
        YILIAN_DATABASE_URL=database_url,
        YILIAN_RPC_URL=rpc_url,
        YILIAN_MANIFEST_PATH=str(manifest),
        **{f"YILIAN_{key.upper()}": str(value) for key, value in (settings or {}).items()},
    )
    if workers == 1:
        argv = [str(VENV_BIN / "yilian"), "relay", "serve", "--port", str(port)]
    else:
        argv = [
            str(VENV_BIN / "uvicorn"), "--factory", "yilian.relay.app:create_app", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--log-level", "warning",
        ]  # fmt: skip
    shown = (
        "yilian relay serve" if workers == 1 else f"uvicorn --workers {workers} --factory yilian.relay.app:create_app"
    )
    return RelayServer(f"http://127.0.0.1:{port}", argv, env, shown, workdir / f"relay-{port}.log")


@contextmanager
def relay_server(**options: object) -> Iterator[RelayServer]:
    """A started `relay_process(**options)`, stopped on exit."""
    server = relay_process(**options)  # type: ignore[arg-type]
    try:
        yield server.start()
    finally:
        server.stop()


def wait_ready(server: RelayServer, timeout_s: float = 180) -> None:
    """Until the relay answers /healthz at all: during a chain outage a serving relay says 503.
    Start-up on a loaded machine can take a minute or more."""
    assert server.process is not None
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.stderr.write(server.log_path.read_text(errors="replace")[-4000:])
            raise RuntimeError("the relay exited while starting")
        try:
            httpx.get(f"{server.url}/healthz", timeout=2)
            return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the relay did not become healthy")
