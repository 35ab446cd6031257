"""First start: `make run` on a fresh clone, step by step, until the first page answers.

Clones this checkout's HEAD (commit first: uncommitted changes are not in the clone) into a temporary
folder, runs `make run` there on a free port with a temporary VAR_DIR (SQLite), and prints the time of
each step as the Makefile reports it (install, migrate, demo, serve) and, measured from here, the time
until GET / answered 200. Then it stops the server, runs `make run` once more in the same clone (the
second start: nothing to install, the demo already there) and removes the folder.

pip's own cache (the default one, ~/.cache/pip) is used as it is; this checkout's .venv is not touched.

    python bench/first_start.py [--once] [--keep] [--commit REV]

--commit measures an older commit the same way (a Makefile without step lines shows only the total).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEP_LINE = re.compile(r"^(install|migrate|demo|serve)\s+([0-9.]+) s\b")
GOAL_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def first_200(url: str, started: float, timeout: float, stop: threading.Event) -> float | None:
    """Seconds from `started` until `url` answered 200, or None."""
    while not stop.is_set() and time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # our own loopback server
                if response.status == 200:
                    response.read()
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.1)
    return None


def start(clone: Path, port: int, var_dir: Path, timeout: float) -> dict[str, float | None]:
    """One `make run` in `clone`, until "/" answers 200 (then the server is stopped)."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "DATABASE_URL", "BASE_URL", "MAKEFLAGS"}}
    env["VAR_DIR"] = str(var_dir)
    env["PYTHONUNBUFFERED"] = "1"
    url = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", "HOST=127.0.0.1", f"PORT={port}"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: make, the server and its children stop together
    )
    figures: dict[str, float | None] = {}
    output: list[str] = []
    stop = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            match = STEP_LINE.match(line)
            if match:
                figures[match.group(1)] = float(match.group(2))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    waiter = threading.Thread(target=lambda: (process.wait(), stop.set()), daemon=True)
    waiter.start()
    figures["first page (GET / 200)"] = first_200(url, started, timeout, stop)
    # The server's own "serve ... first page" line may come a moment after our answer.
    deadline = time.monotonic() + 5
    while "serve" not in figures and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    reader.join(timeout=5)
    if figures["first page (GET / 200)"] is None:
        sys.stdout.write("".join(output[-60:]))
        print(f"no 200 from {url} within {timeout:.0f} s (make exited {process.returncode})", file=sys.stderr)
    return figures


def table(title: str, figures: dict[str, float | None]) -> None:
    print(f"\n{title}")
    for name in ("install", "migrate", "demo", "serve"):
        value = figures.get(name)
        shown = "-" if value is None else f"{value:6.1f} s"
        print(f"  {name:24} {shown:>9}")
    total = figures.get("first page (GET / 200)")
    verdict = "" if total is None else ("  (goal < 60 s: met)" if total < GOAL_SECONDS else "  (goal < 60 s: NOT met)")
    print(f"  {'first page (GET / 200)':24} {'-' if total is None else f'{total:6.1f} s':>9}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="skip the second start")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    parser.add_argument("--commit", default="HEAD", help="the commit to clone (default: this checkout's HEAD)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the first page")
    args = parser.parse_args()

    head = subprocess.check_output(["git", "rev-parse", args.commit], cwd=ROOT, text=True).strip()
    status = ["git", "status", "--porcelain", "--untracked-files=no"]
    if args.commit == "HEAD" and subprocess.check_output(status, cwd=ROOT, text=True):
        print("note: uncommitted changes are not in the clone; it runs", head[:12])
    folder = Path(tempfile.mkdtemp(prefix="first-start-"))
    try:
        clone = folder / "repo"
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "checkout", "--quiet", "--detach", head], cwd=clone, check=True)
        print(f"clone of {head[:12]} in {clone}; python3 {sys.version.split()[0]}; {os.cpu_count()} cores")
        var_dir = folder / "var"
        table("first start (fresh clone, no .venv, empty VAR_DIR)", start(clone, free_port(), var_dir, args.timeout))
        if not args.once:
            table("second start (same clone: installed, demo loaded)", start(clone, free_port(), var_dir, args.timeout))
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
