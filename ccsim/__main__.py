"""``python -m ccsim``: the ``ccsim`` command."""

from .cli import __main__  # noqa: F401  (runs the command)
