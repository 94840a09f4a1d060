"""The bench's turns: a command stopped between its turns does no work, its children included
(the crawl's extraction workers), so that each limit is timed only while it runs alone."""

from __future__ import annotations

import sys
import time

from archiver.bench.slices import Sliced

# A parent that leaves the counting to a child process, as the crawl leaves extraction to workers.
COUNTER = """
import subprocess, sys
child = "import time\\nn = 0\\nwhile True:\\n    time.sleep(0.01)\\n    n += 1\\n    print(n, flush=True)"
subprocess.run([sys.executable, "-c", child])
"""


def test_a_command_counts_only_during_its_turns_and_its_rate_is_over_them(tmp_path):
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
