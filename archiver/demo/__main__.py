"""`python -m archiver.demo`: serve the demo news site in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from archiver.demo.server import serve_demo


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Give the command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m archiver.demo", description="Serve The Meridian Courier, the demo news site."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on, 0 for any free port (default 8000)")
    parser.add_argument("--edition", type=int, default=1, choices=(1, 2), help="content edition to serve (default 1)")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted; give the exit status."""
    args = parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        server = serve_demo(args.edition, args.host, args.port, args.verbose)
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 2
    with server:
        print(f"Demo news site at {server.url}", flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
