"""pywb, cdxj-indexer and the `wacz` validator from PyPI, in their own virtualenv under .cache/ (they
pin older libraries than the archiver's), installed on first use and shared by the test workers."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT

PACKAGES = ("pywb==2.10.0", "wacz==0.6.0")
VENV = Path(os.environ.get("ARCHIVER_REPLAY_VENV", ROOT / ".cache" / "pywb-venv"))


def replay_bin() -> Path:
    """Give the bin folder of the replay tools' virtualenv, installing it first if needed; skip
    without it (fail when ARCHIVER_REQUIRE_ALL is set)."""
    stamp = VENV / ("installed-" + "-".join(PACKAGES))
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.parent / "pywb-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one xdist worker installs, the others wait for it
        if not stamp.exists():
            problem = install()
            if problem:
                if os.environ.get("ARCHIVER_REQUIRE_ALL"):
                    pytest.fail(f"cannot install {' '.join(PACKAGES)}: {problem}")
                pytest.skip(f"cannot install {' '.join(PACKAGES)}: {problem}")
            stamp.touch()
    return VENV / "bin"


def install() -> str:
    """Make the virtualenv and install the packages; give what went wrong ('' when nothing did)."""
    steps = (
        [sys.executable, "-m", "venv", "--clear", str(VENV)],
        [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", *PACKAGES],
    )
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return (done.stderr or done.stdout).strip().splitlines()[-1:][0] if (done.stderr or done.stdout) else "?"
    return ""
