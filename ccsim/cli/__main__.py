"""``python -m ccsim.cli``: the ``ccsim`` command."""

from . import main

try:
    main()
finally:
    # A Ctrl-C that lands while Python evaluates code compiled from a string (dataclass and
    # named-tuple set-up do that) leaves CPython's "interrupt unhandled" mark set even though
    # ccsim catches the interrupt; under ``python -m`` the interpreter would then end itself by
    # SIGINT instead of with ccsim's exit code (130 for an interrupted run). Evaluating a string
    # clears the mark, so the process ends with the code ccsim chose.
    exec("", {})
