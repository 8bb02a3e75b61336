"""Commands run as a user's machine would meet them: in a child process under a memory
limit (RLIMIT_AS) and a time limit."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

MEMORY = 2 * 1024**3  # bytes: the acceptance's bound on any run's peak memory


def bounded(*args: str, timeout: float = 60.0) -> subprocess.CompletedProcess:
    """``ccsim ARGS`` in a child limited to MEMORY bytes and *timeout* seconds."""
    def limit():  # runs in the child before exec
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run([sys.executable, "-m", "ccsim.cli", *args], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limit, env={**os.environ, "PYTHONFAULTHANDLER": ""})
