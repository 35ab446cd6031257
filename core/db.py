"""Database engines and the one way services open a write transaction."""

from __future__ import annotations

import asyncio
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


def make_engine(settings: Settings) -> Engine:
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


def engine() -> Engine:
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
    if db.current_transaction.get() is not None:
        yield db.current_transaction.get()
        return
    if isinstance(db, SQLiteEngine):
        async with _sqlite_write_lock(), db.transaction(transaction_type=TransactionType.immediate) as txn:
            yield txn
    else:
        async with db.transaction() as txn:
            yield txn


def locked(query: Any) -> Any:
    """`SELECT ... FOR UPDATE` on PostgreSQL, for a read-modify-write inside `transaction()`.

    SQLite has no row locks and needs none: its IMMEDIATE write transactions already run one at
    a time.
    """
    return query if isinstance(engine(), SQLiteEngine) else query.lock_rows()


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
