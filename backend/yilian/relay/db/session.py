"""Engine and sessions. SQLite (WAL) is the embedded default; PostgreSQL for production.

Every write goes through `transaction()`. On SQLite that takes the database's write lock up
front (BEGIN IMMEDIATE), after an in-process lock, so the API's threads and the outbox worker
queue for it in turn instead of sleeping in SQLite's busy handler (which backs off up to 100 ms
per retry); plain `sessions()` are reads, which WAL serves alongside the writer (deferred BEGIN).
"""

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _ensure_parent_dir(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _ensure_parent_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers go on while the worker writes; the driver's own transaction handling is
    # switched off so that "begin" below decides how a transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


_WRITE = "yilian_write"  # execution option of the connection a `transaction()` writes with
_write_locks: dict[str, AbstractContextManager[bool]] = {}
_write_locks_guard = threading.Lock()


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    # Writers take the write lock up front: two processes that read-then-write can't both win.
    write = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _write_lock(engine: Engine) -> AbstractContextManager[bool]:
    key = str(engine.url)
    with _write_locks_guard:
        return _write_locks.setdefault(key, threading.RLock())


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed on success, rolled back on any error."""
    bind = factory.kw.get("bind")
    if bind is None or bind.dialect.name != "sqlite":
        with factory() as session, session.begin():
            yield session
        return
    with _write_lock(bind), factory() as session, session.begin():
        session.connection(execution_options={_WRITE: True})
        yield session
