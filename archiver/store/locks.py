"""Named locks kept in the archive (`locks` table): one holder at a time, taken over from the dead.

A lock names what it guards ("source:courier") and who holds it (pid, host, since when). A lock
held by a process that no longer exists on this host is taken over; a lock held from another
host cannot be checked and stays until released. The same pid on the same host may acquire a
lock again (re-entrant), and a holder may hand its lock to another process (the scheduler hands
a source's lock to the crawl process it starts).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from archiver.errors import StoreError
from archiver.store.archive import transaction


@dataclass(frozen=True)
class Lock:
    """One row of the locks table."""

    name: str
    pid: int
    host: str
    acquired_at: str

    def describe(self) -> str:
        """Give who holds the lock, for messages."""
        return f"pid {self.pid} on {self.host} since {self.acquired_at}"


class LockHeld(StoreError):
    """The lock is held by a live process (or one on another host)."""

    def __init__(self, holder: Lock):
        super().__init__(f"{holder.name} is held by {holder.describe()}", "wait for it to finish, or stop that process")
        self.holder = holder


def pid_alive(pid: int) -> bool:
    """Tell whether a process with this pid exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder(conn: sqlite3.Connection, name: str) -> Lock | None:
    """Give the current holder of the lock `name`, or None when it is free."""
    row = conn.execute("SELECT name, pid, host, acquired_at FROM locks WHERE name = ?", (name,)).fetchone()
    return Lock(*row) if row else None


def acquire(
    conn: sqlite3.Connection, name: str, pid: int, host: str, now: str, alive: Callable[[int], bool] = pid_alive
) -> Lock:
    """Give the lock `name` taken for (pid, host); LockHeld when a live process holds it.

    A lock of a dead process on this host is taken over; the holder itself gets its lock back.
    """
    with transaction(conn):
        current = holder(conn, name)
        if current and (current.pid, current.host) == (pid, host):
            return current
        if current and (current.host != host or alive(current.pid)):
            raise LockHeld(current)
        conn.execute(
            "INSERT OR REPLACE INTO locks (name, pid, host, acquired_at) VALUES (?, ?, ?, ?)", (name, pid, host, now)
        )
    return Lock(name, pid, host, now)


def hand_over(conn: sqlite3.Connection, lock: Lock, pid: int) -> Lock:
    """Give the lock passed from its holder to process `pid` on the same host; LockHeld if it was lost."""
    with transaction(conn):
        cur = conn.execute(
            "UPDATE locks SET pid = ? WHERE name = ? AND pid = ? AND host = ?", (pid, lock.name, lock.pid, lock.host)
        )
        if cur.rowcount != 1:
            current = holder(conn, lock.name)
            if current is None:
                raise StoreError(f"{lock.name} was released before it could be handed over")
            raise LockHeld(current)
    return Lock(lock.name, pid, lock.host, lock.acquired_at)


def release(conn: sqlite3.Connection, name: str, pid: int, host: str) -> bool:
    """Release the lock `name` if (pid, host) holds it; tell whether it did."""
    with transaction(conn):
        cur = conn.execute("DELETE FROM locks WHERE name = ? AND pid = ? AND host = ?", (name, pid, host))
    return cur.rowcount == 1
