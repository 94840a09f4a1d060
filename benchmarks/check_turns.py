"""Self-check of the bench's turns, run by `make bench` before it times anything: a command stopped
between its turns does no work, its children included (the crawl's extraction workers), so that
each limit is timed only while it runs alone. Exits 1 with the reason when that does not hold."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchmarks.slices import Sliced

# A parent that leaves the counting to a child process, as the crawl leaves extraction to workers.
COUNTER = """
import subprocess, sys
child = "import time\\nn = 0\\nwhile True:\\n    time.sleep(0.01)\\n    n += 1\\n    print(n, flush=True)"
subprocess.run([sys.executable, "-c", child])
"""


def check_turns(tmp_path: Path) -> None:
    """Raise AssertionError when a stopped command still counts or its rate is not over its turns."""
    counter = Sliced([sys.executable, "-c", COUNTER], tmp_path / "counter.log")
    try:
        counter.run_until_counting(timeout=30)
        started, first = time.monotonic(), counter.count
        for _ in range(3):
            counter.run_for(0.5)
            time.sleep(0.1)
            counter.read_count()
            stopped_at = counter.count
            time.sleep(0.5)  # its turn is over: neither it nor its child may go on
            counter.read_count()
            assert counter.count == stopped_at
        wall = time.monotonic() - started
        rate = counter.rates()[0]
    finally:
        counter.stop()
    assert not counter.running
    # Its rate is over its turns (1.5 s of the 3.3 s), not over the wall time, stopped time included.
    assert rate > 1.8 * (counter.count - first) / wall, (rate, counter.count - first, wall)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        try:
            check_turns(Path(folder))
        except AssertionError as exc:
            sys.exit(f"bench turns check failed: {exc}")
    print("bench turns check: a stopped command and its children do no work")
