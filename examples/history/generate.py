"""Make the bundled example: 8 weeks of ACD history simulated by ccsim from truth.yaml.

    .venv/bin/python examples/history/generate.py

writes, beside this file:
- history.csv: the interval report, Monday 2026-10-12 to Saturday 2026-12-05
  (closed on Sundays), two contact types, 30-minute intervals;
- details.csv: the call detail of the last week (2026-11-30 to 2026-12-05), with
  a fake caller number (+44 7700 900xxx, a range reserved for drama) and a fake
  customer id, as real exports carry — calibrate never reads them;
- calibrated.yaml and calibration.txt: what
  `ccsim calibrate history.csv --details details.csv --for 2026-12-07 --out calibrated.yaml --report calibration.txt`
  writes.
"""

import datetime as dt
from pathlib import Path

import ccsim
from ccsim.calibrate import calibrate, read_details, read_history
from ccsim.calibrate.synthetic import rows_to_csv, synthesize
from ccsim.report.calibration import render_text
from ccsim.report.export import atomic_write_text

HERE = Path(__file__).resolve().parent
START = dt.date(2026, 10, 12)
TARGET = dt.date(2026, 12, 7)
WEEKDAY_FACTORS = (1.25, 1.10, 1.00, 1.00, 0.95, 0.60, 1.00)  # Monday first; Sundays closed


def main() -> None:
    truth = ccsim.load(HERE / "truth.yaml")
    syn = synthesize(truth, START, 56, seed=truth.seed, weekday_factors=WEEKDAY_FACTORS, trend_per_week=0.01,
                     closed_weekdays=(6,), details_from=dt.date(2026, 11, 30), personal=True)
    atomic_write_text(HERE / "history.csv", rows_to_csv(syn.interval_rows))
    atomic_write_text(HERE / "details.csv", rows_to_csv(syn.detail_rows))
    cal = calibrate(read_history(HERE / "history.csv"), TARGET, read_details(HERE / "details.csv"))
    atomic_write_text(HERE / "calibrated.yaml", cal.scenario_text)
    atomic_write_text(HERE / "calibration.txt", render_text(cal))
    weeks = (TARGET - START).days / 7
    for name, base in (("sales", 1200), ("support", 900)):
        true = base * WEEKDAY_FACTORS[TARGET.weekday()] * 1.01**weeks
        print(f"{name}: true expected volume {true:.1f}")


if __name__ == "__main__":
    main()
