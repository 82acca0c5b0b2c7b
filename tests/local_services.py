"""Start the machine's local services when a test needs one that is down (loopback only)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def ensure_redis() -> bool:
    """True when Redis answers on 127.0.0.1:6379, starting it first if it is installed."""
    if _listening(6379):
        return True
    server = shutil.which("redis-server")
    if server is None:
        return False
    subprocess.run(
        [server, "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", ""],
        check=False,
        capture_output=True,
    )
    for _ in range(50):
        if _listening(6379):
            return True
        time.sleep(0.1)
    return False
