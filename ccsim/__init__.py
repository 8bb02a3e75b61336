"""ccsim: a contact-centre queue simulator for planners, analysts and students.

    import ccsim
    scenario = ccsim.load("scenarios/retail_bank.yaml")
    estimates = ccsim.simulate(scenario, replications=20)
    estimates.contact_types["sales"]["service_level"].mean
"""

from . import report  # noqa: E402  (callable: ccsim.report(results, "report.html"))
from ._version import __version__
from .experiment import simulate  # noqa: E402
from .experiment.compare import Comparison, compare  # noqa: E402
from .experiment.estimates import Estimate, Estimates  # noqa: E402
from .experiment.precision import simulate_to_precision  # noqa: E402
from .experiment.sweep import Sweep, sweep  # noqa: E402
from .scenario import Scenario, ScenarioError, from_dict, load, loads  # noqa: E402

scenario_from_dict = from_dict

__all__ = [
    "Comparison", "Estimate", "Estimates", "Scenario", "ScenarioError", "Sweep", "__version__",
    "compare", "from_dict", "load", "loads", "report", "scenario_from_dict", "simulate",
    "simulate_to_precision", "sweep",
]
