"""The processes of a command's tree and their RSS and CPU time, from /proc (Linux)."""

from __future__ import annotations

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def read_stat(pid: str) -> tuple[int, float, int] | None:
    """Give a process's parent pid, CPU seconds (user + system) and RSS (kB) from /proc/PID/stat, or
    None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, int(fields[21]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return None


def children_of(pid: int) -> list[int] | None:
    """Give a process's children from /proc/PID/task/*/children (any of its threads may have
    started one), [] when it is gone, or None where the kernel does not list children."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found: list[int] = []
    for task in tasks:
        try:
            found.extend(int(x) for x in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        except FileNotFoundError:
            if not Path(f"/proc/{pid}/task/{task}").exists():
                continue  # a thread that has just ended
            return None
        except (OSError, ValueError):
            continue
    return found


def scanned_children() -> dict[int, list[int]]:
    """Give every process's children, from every process's stat (where the kernel lists none)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := read_stat(entry)):
            children.setdefault(stat[0], []).append(int(entry))
    return children


def tree_pids(pid: int) -> list[int]:
    """Give a process and all its descendants.

    The tree is walked down from the process where the kernel lists children: a few files, where
    reading every process's stat four times a second would cost the timed crawl."""
    todo, pids = [pid], []
    scanned: dict[int, list[int]] | None = None
    while todo:
        current = todo.pop()
        found = children_of(current) if scanned is None else scanned.get(current, [])
        if found is None:
            scanned = scanned_children()
            found = scanned.get(current, [])
        todo.extend(found)
        pids.append(current)
    return pids
