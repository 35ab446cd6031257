"""Database engines and the one way services open a write transaction."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

if TYPE_CHECKING:
    from core.settings import Settings

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def make_engine(settings: Settings) -> Engine[Any]:
    if settings.is_sqlite:
        path = Path(settings.sqlite_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        _enable_wal(path)
        return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
    if settings.database_url.startswith(("postgres://", "postgresql://")):
        return PostgresEngine(config={"dsn": settings.database_url})
    raise RuntimeError(f"DATABASE_URL must start with sqlite:/// or postgres://, got {settings.database_url!r}")


def _enable_wal(path: Path) -> None:
    # WAL is a property of the file and persists: readers no longer block the writer.
    with sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_SECONDS) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def engine() -> Engine[Any]:
    found = engine_finder()
    if found is None:
        raise RuntimeError("piccolo_conf.py defines no DB engine")
    return found


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


_write_lock: asyncio.Lock | None = None


def _sqlite_write_lock() -> asyncio.Lock:
    global _write_lock
    if _write_lock is None:
        _write_lock = asyncio.Lock()
    return _write_lock


@asynccontextmanager
async def transaction() -> AsyncIterator[Any]:
    """A read-then-write transaction that cannot lose its update.

    On SQLite, deferred transactions that read and then write fail with "database is locked"
    under concurrency, so writers take a process-wide lock and start IMMEDIATE transactions.
    Nested calls join the transaction already open.
    """
    db = engine()
    if _reading.get():
        raise RuntimeError("a write transaction inside reading(): open it before, or read without reading()")
    if db.current_transaction.get() is not None:
        yield db.current_transaction.get()
        return
    if isinstance(db, SQLiteEngine):
        async with _sqlite_write_lock(), db.transaction(transaction_type=TransactionType.immediate) as txn:
            yield txn
    elif isinstance(db, PostgresEngine):
        async with _postgres_transaction(db) as txn:
            yield txn
    else:
        raise RuntimeError(f"no transactions for the engine {type(db).__name__}")


_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("reading", default=False)


@asynccontextmanager
async def reading() -> AsyncIterator[None]:
    """Several reads of one page on one SQLite connection, from one snapshot.

    Outside a transaction Piccolo's SQLite engine opens a connection (and its thread) for every
    query, which is what a page of a dozen small queries spends most of its time on. Here they
    share one deferred transaction that only reads: under WAL it neither waits for the writer nor
    holds it up. `query_only` makes a write inside it fail at once rather than turn the snapshot
    into a writer (deferred read-then-write transactions fail under load, DESIGN 6), and
    `transaction()` inside it is refused (on both engines). On PostgreSQL, whose connections are
    pooled, it changes nothing else; inside a transaction already open, nothing at all.
    """
    db = engine()
    if _reading.get() or db.current_transaction.get() is not None:
        yield
        return
    token = _reading.set(True)  # on both engines, so a write inside fails in every test run
    try:
        if isinstance(db, SQLiteEngine):
            async with db.transaction(transaction_type=TransactionType.deferred) as txn:
                await txn.connection.execute("PRAGMA query_only = ON")
                yield
        else:
            yield
    finally:
        _reading.reset(token)


@asynccontextmanager
async def _postgres_transaction(db: PostgresEngine) -> AsyncIterator[Any]:
    """Piccolo's transaction, cleaned up even when its connection died under it.

    When COMMIT or ROLLBACK fails (the database restarted mid-transaction), Piccolo's
    `__aexit__` raises before it forgets the transaction: every later query of the same task
    would then run on the dead connection ("connection has been released back to the pool").
    """
    txn = db.transaction()
    try:
        await txn.__aenter__()
    except BaseException:  # BEGIN failed: the connection it took must still go back
        await _release(db, getattr(txn, "connection", None))
        raise
    try:
        yield txn
    except BaseException as exc:
        await _end(db, txn, exc)
        raise
    else:
        await _end(db, txn, None)


async def _end(db: PostgresEngine, txn: Any, exc: BaseException | None) -> None:
    try:
        await txn.__aexit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)
    except BaseException:
        current = db.current_transaction.get()
        if current is not None and current is txn:
            db.current_transaction.reset(current.context)
        await _release(db, txn.connection)
        if exc is None:
            raise


async def _release(db: PostgresEngine, connection: Any) -> None:
    if connection is not None and db.pool is not None:
        with contextlib.suppress(Exception):  # already released, or too broken to reset (then closed)
            await db.pool.release(connection)


def locked(query: Any) -> Any:
    """`SELECT ... FOR UPDATE` on PostgreSQL, for a read-modify-write inside `transaction()`.

    SQLite has no row locks and needs none: its IMMEDIATE write transactions already run one at
    a time.
    """
    return query if isinstance(engine(), SQLiteEngine) else query.lock_rows()


# What a database that is restarting, shutting down or unreachable raises. Nothing is wrong with
# the request: it fails quickly and can be sent again once the database is back (the pool
# replaces its lost connections by itself on the next acquire).
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    asyncpg.PostgresConnectionError,  # 08xxx: the connection failed or was lost mid-query
    asyncpg.CannotConnectNowError,  # 57P03: starting up or shutting down
    asyncpg.AdminShutdownError,  # 57P01: terminated by a restart
    asyncpg.CrashShutdownError,  # 57P02: terminated because another backend crashed
    asyncpg.TooManyConnectionsError,  # 53300: no connection slot left
    # A pooled connection caught by the shutdown between its FATAL message and its close: its
    # next query meets a protocol still consuming the error. The pool drops it on release.
    asyncpg.InternalClientError,
    ConnectionError,  # refused or reset at the socket: no server listening
    asyncpg.InterfaceError,  # only some of them: see is_database_unavailable()
)


# What the client raises once the connection it was using is gone (the server closed it).
_LOST_CONNECTION_MESSAGES = ("connection is closed", "released back to the pool")


def is_database_unavailable(exc: BaseException) -> bool:
    """The request failed because the database is away, not because of the request."""
    if isinstance(exc, asyncpg.InterfaceError):
        return any(message in str(exc) for message in _LOST_CONNECTION_MESSAGES)
    return isinstance(exc, DATABASE_UNAVAILABLE)


def is_unique_violation(exc: BaseException) -> bool:
    """A concurrent insert won the race for a unique key (both engines)."""
    return isinstance(exc, asyncpg.UniqueViolationError) or (
        isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)
    )


async def open_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is None:
        await db.start_connection_pool(min_size=2, max_size=20)


async def close_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()
        db.pool = None
