"""A Ctrl-C landing in a finaliser is delivered again in the command's own code (ccsim.cli)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_a_ctrl_c_raised_in_a_finaliser_is_not_printed_and_not_lost():
    """Python prints an interrupt raised inside a finaliser as 'Exception ignored' with a traceback
    and drops it; under the command's hook it comes back as a KeyboardInterrupt in plain code."""
    code = textwrap.dedent("""
        import gc, sys, time
        import click
        from ccsim.cli import _redeliver_interrupts

        class Dropped:
            def __del__(self):
                raise KeyboardInterrupt

        with click.Context(click.Command("x")) as ctx:
            _redeliver_interrupts(ctx)
            try:
                Dropped()
                gc.collect()
                start = time.monotonic()
                while time.monotonic() - start < 5.0:  # the redelivered interrupt lands here
                    pass
                print("lost")
            except KeyboardInterrupt:
                print("delivered")
        print("hook back:", sys.unraisablehook is sys.__unraisablehook__)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["delivered", "hook", "back:", "True"], done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
