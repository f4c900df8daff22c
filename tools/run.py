"""``make run``'s servers: Daphne and the task worker, stopped together and cleanly.

Ctrl-C (SIGINT) or SIGTERM sends each child one SIGTERM: Daphne closes its sockets and ends
its requests, the worker finishes the task it runs. Each child runs in a session of its own,
so a Ctrl-C in the terminal reaches it once (from here), not twice. A child that outlives
the grace period is killed. When one child ends by itself, the other is stopped too.

With HOST=0.0.0.0 (or another address that is not loopback) the machine's own names and
addresses are allowed (ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS) and printed, so that the site
answers from another machine; variables already set are kept.
"""

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Past the drain (DRAIN_GRACE_SECONDS, 20 by default): a child still running is killed.
GRACE_SECONDS = 30
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def machine_addresses() -> list[str]:
    """This machine's name and IPv4 addresses other than loopback, the main one first."""
    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.connect(("192.0.2.1", 9))  # TEST-NET-1: picks the outgoing interface, sends nothing
        found.append(udp.getsockname()[0])
    name = socket.gethostname()
    with contextlib.suppress(OSError):
        for *_, address in socket.getaddrinfo(name, None, socket.AF_INET):
            found.append(address[0])
    found.append(name)
    return [a for a in dict.fromkeys(found) if a not in LOOPBACK and not a.startswith("127.")]


def environment(host: str, port: int) -> tuple[dict[str, str], str]:
    """The children's environment and the base URL to print."""
    env = dict(os.environ)
    public = host
    if host in {"0.0.0.0", "::"} or host not in LOOPBACK:
        extra = machine_addresses() if host in {"0.0.0.0", "::"} else [host]
        public = extra[0] if extra else "127.0.0.1"
        if not env.get("ALLOWED_HOSTS"):
            env["ALLOWED_HOSTS"] = ",".join(["127.0.0.1", "localhost", "[::1]", *extra])
        if not env.get("CSRF_TRUSTED_ORIGINS"):
            env["CSRF_TRUSTED_ORIGINS"] = ",".join(f"http://{a}:{port}" for a in extra)
    base = f"http://{public}:{port}"
    env.setdefault("SITE_URL", base)
    return env, env["SITE_URL"].rstrip("/")


def banner(base: str) -> str:
    return "\n".join(
        [
            "",
            f"OpenIPS is starting on {base}/",
            f"  Demo agenda:   {base}/seminars/demo/",
            f"  Sign in:       {base}/accounts/sign-in/",
            f"  Back office:   {base}/admin/",
            "  Demo logins (password 'demo'): organizer, agency, moderator, vendor",
            "  Stop with Ctrl-C.",
            "",
        ]
    )


def stop(children: list[subprocess.Popen], grace: float = GRACE_SECONDS) -> None:
    for child in children:
        if child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    env, base = environment(args.host, args.port)
    commands = [
        [sys.executable, "manage.py", "worker", "--queue-name", "*", "--no-reload"],
        [
            # Daphne with the drain on SIGTERM (ops/serve.py).
            sys.executable,
            "-m",
            "ops.serve",
            "-e",
            f"tcp:port={args.port}:interface={args.host.strip('[]')}:backlog=1024",
            # ops.middleware writes one line per request already, in LOG_FORMAT.
            "--access-log",
            os.devnull,
            "config.asgi:application",
        ],
    ]
    print(banner(base), flush=True)
    stopping = []

    def on_signal(signum, frame) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    children = [
        subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True) for command in commands
    ]
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.2)
    stop(children)
    if stopping:
        print("OpenIPS stopped.", flush=True)
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
