"""ccsim serve under load: 50 pages on the event stream for 60 s, every one fed all along,
and the server's memory flat (localhost only, bounded)."""

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CLIENTS, SECONDS, WINDOW_S = 50, 60.0, 5.0
RSS_GROWTH_MB = 25.0


def _client(port: int, arrivals: list, stop: threading.Event) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        buffer = b""
        while not stop.is_set():
            chunk = sock.recv(65536)
            if not chunk:
                return
            buffer += chunk
            while b"event: state" in buffer:
                arrivals.append(time.monotonic())
                buffer = buffer[buffer.index(b"event: state") + 12:]
            buffer = buffer[-64:]


def test_fifty_streams_for_a_minute_with_flat_memory():
    psutil = pytest.importorskip("psutil")
    pytest.importorskip("starlette")
    proc = subprocess.Popen([sys.executable, "-m", "ccsim.cli", "serve", "scenarios/retail_bank.yaml",
                             "--snapshot", "scenarios/snapshot_example.yaml", "--speed", "60"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r":(\d+)/", proc.stdout.readline()).group(1))
        stop = threading.Event()
        arrivals = [[] for _ in range(CLIENTS)]
        threads = [threading.Thread(target=_client, args=(port, arrivals[i], stop), daemon=True)
                   for i in range(CLIENTS)]
        for t in threads:
            t.start()
        server = psutil.Process(proc.pid)
        time.sleep(WINDOW_S)  # connections set up, the first figures sent
        start = time.monotonic()
        rss = [server.memory_info().rss]
        while time.monotonic() - start < SECONDS:
            time.sleep(WINDOW_S)
            rss.append(server.memory_info().rss)
        end = time.monotonic()
        stop.set()
        growth_mb = (max(rss) - rss[0]) / 2**20
        print(f"RSS {rss[0] / 2**20:.1f} MB -> max {max(rss) / 2**20:.1f} MB (growth {growth_mb:.1f} MB) "
              f"over {SECONDS:.0f} s with {CLIENTS} streams")
        for i, times in enumerate(arrivals):
            inside = [t for t in times if start <= t <= end]
            windows = {int((t - start) // WINDOW_S) for t in inside}
            assert windows >= set(range(int(SECONDS // WINDOW_S))), f"client {i} starved: {sorted(windows)}"
        assert growth_mb < RSS_GROWTH_MB, rss
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
