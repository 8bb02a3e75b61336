"""ccsim's tests, laid out like the package: ``tests/<package>/`` tests ``ccsim/<package>/``.

At the top stay the checks that cut across the packages (queueing theory, the
published ContactCenters results, the bundled scenarios, the outputs shown in the
docs, the shape of the house) and the tests of ``ccsim/erlang/`` and
``ccsim/units.py``. What tests share (random scenarios, record and event checks,
small centres) is in ``tests/common/``; no test module imports another. Every
folder is a package, so two folders may each have, say, a ``test_cli.py``.
"""
