"""History and call-detail CSVs: malformed files give row-numbered errors, exit code 2, no traceback."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from ccsim.calibrate import (
    CalibrationInputError,
    ForecastError,
    calibrate,
    read_details,
    read_history,
)
from ccsim.cli import main

HEADER = "date,interval_start,contact_type,offered,answered,abandoned,aht_s"
FIRST = dt.date(2026, 1, 5)  # a Monday


def history_lines(weeks: int = 3, types=("sales",), seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    lines = [HEADER]
    for day in range(7 * weeks):
        date = FIRST + dt.timedelta(days=day)
        for start in ("09:00", "09:30", "10:00", "10:30"):
            for ctype in types:
                offered = int(rng.poisson(40))
                abandoned = int(rng.binomial(offered, 0.05))
                lines.append(f"{date},{start},{ctype},{offered},{offered - abandoned},{abandoned},"
                             f"{rng.normal(240, 20):.1f}")
    return lines


def write(tmp_path, lines, name="history.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems(path, reader=read_history) -> list[str]:
    with pytest.raises(CalibrationInputError) as info:
        reader(path)
    return [str(p) for p in info.value.problems]


def run_cli(*args):
    return CliRunner().invoke(main, ["calibrate", *map(str, args)])


def test_a_valid_history_reads_into_arrays(tmp_path):
    h = read_history(write(tmp_path, history_lines(types=("sales", "support"))))
    assert h.types == ["sales", "support"] and len(h.dates) == 21
    assert h.interval_s == 1800 and h.start_s == 9 * 3600 and h.n_intervals == 4
    assert h.offered.shape == (2, 21, 4) and h.within is None and h.filled_zero == 0


def test_missing_column_is_named_with_the_expected_header(tmp_path):
    lines = [",".join(cell for i, cell in enumerate(line.split(",")) if i != 6) for line in history_lines()]
    (message,) = problems(write(tmp_path, lines))
    assert "row 1" in message and "missing column 'aht_s'" in message and "date, interval_start" in message


def test_text_in_a_number_column_names_row_column_and_value(tmp_path):
    lines = history_lines()
    cells = lines[4].split(",")
    cells[3] = "forty"
    lines[4] = ",".join(cells)
    (message,) = problems(write(tmp_path, lines))
    assert message == f"{tmp_path / 'history.csv'}: row 5, column 'offered': expected a whole number >= 0, got 'forty'"


def test_unsorted_rows_are_reported_where_order_breaks(tmp_path):
    lines = history_lines()
    lines[3], lines[9] = lines[9], lines[3]
    found = problems(write(tmp_path, lines))
    assert any("row 5" in m and "out of order" in m and "sort by date, then interval_start" in m for m in found)


def test_duplicated_rows_name_both_rows(tmp_path):
    lines = history_lines()
    lines.insert(3, lines[2])
    (message,) = problems(write(tmp_path, lines))
    assert "row 4" in message and "duplicate of row 3" in message


def test_dates_that_do_not_parse(tmp_path):
    lines = history_lines()
    lines[1] = lines[1].replace("2026-01-05", "05/01/2026")
    lines[2] = lines[2].replace("2026-01-05", "2026-02-30")
    found = problems(write(tmp_path, lines))
    assert any("row 2, column 'date': expected a date YYYY-MM-DD, got '05/01/2026'" in m for m in found)
    assert any("row 3, column 'date'" in m and "'2026-02-30'" in m for m in found)


def test_every_problem_of_a_file_is_listed_together(tmp_path):
    lines = history_lines()
    lines[2] = lines[2].replace(",sales,", ",sales desk,")
    lines[5] = lines[5].replace("09:00", "9h")
    cells = lines[7].split(",")
    cells[4] = str(int(cells[3]) + 5)  # answered > offered
    lines[7] = ",".join(cells)
    lines[3] = lines[3].replace(",10:00,", ",10:10,")  # off the 30-minute grid
    found = problems(write(tmp_path, lines))
    assert any("row 3, column 'contact_type'" in m for m in found)
    assert any("row 6, column 'interval_start'" in m for m in found)
    assert any("row 8, column 'offered'" in m and "exceed offered" in m for m in found)
    assert len(found) == 3  # the grid is checked once the rows themselves are clean
    lines = history_lines()
    lines[3] = lines[3].replace(",10:00,", ",10:10,")
    (message,) = problems(write(tmp_path, lines))
    assert "row 4" in message and "not on the 30-minute grid" in message


def test_spreadsheet_exports_are_accepted(tmp_path):
    """A byte-order mark, semicolons, header names in another case, MM:SS durations."""
    lines = [line.replace(",", ";") for line in history_lines()]
    lines[0] = lines[0].upper().replace("AHT_S", " Aht_S ")
    lines[1] = ";".join(lines[1].split(";")[:6] + ["4:03"])
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    h = read_history(path)
    assert h.handle_sum[0, 0, 0] == h.answered[0, 0, 0] * 243


def test_unreadable_files(tmp_path):
    empty = write(tmp_path, [""], "empty.csv")
    assert "empty" in problems(empty)[0]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("date,caf\xe9\n".encode("latin-1"))
    assert "UTF-8" in problems(latin)[0]
    assert "cannot read" in problems(tmp_path / "nowhere.csv")[0]
    assert "no data rows" in problems(write(tmp_path, [HEADER], "header_only.csv"))[0]


def test_cli_exits_2_without_traceback_and_writes_nothing(tmp_path):
    lines = history_lines()
    lines[4] = lines[4].replace(",sales,", ",sales,x")
    bad = write(tmp_path, lines)
    out = tmp_path / "scenario.yaml"
    proc = subprocess.run([sys.executable, "-m", "ccsim.cli", "calibrate", str(bad), "--for", "2026-02-02",
                           "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "row 5, column 'offered'" in proc.stderr
    assert not out.exists()


def test_cli_refuses_dates_it_cannot_forecast(tmp_path):
    good = write(tmp_path, history_lines())
    out = tmp_path / "s.yaml"
    result = run_cli(good, "--for", "2026-01-20", "--out", out)
    assert result.exit_code == 2 and "must come after the history's last date 2026-01-25" in result.stderr
    result = run_cli(good, "--for", "2026-02-31", "--out", out)
    assert result.exit_code == 2 and "expected a date YYYY-MM-DD" in result.output
    weekdays_only = [line for line in history_lines() if not line.startswith(("2026-01-11", "2026-01-18",
                                                                              "2026-01-25"))]
    result = run_cli(write(tmp_path, weekdays_only, "weekdays.csv"), "--for", "2026-02-01", "--out", out)
    assert result.exit_code == 2 and "no Sundays" in result.stderr
    short = history_lines(weeks=1)
    with pytest.raises(ForecastError, match="at least 14"):
        calibrate(read_history(write(tmp_path, short, "short.csv")), dt.date(2026, 1, 12))
    assert not out.exists()


DETAIL_HEADER = "caller_number,contact_type,arrival_time,answer_time,abandon_time,handle_s,acw_s"


def detail_lines() -> list[str]:
    return [
        DETAIL_HEADER,
        "+44 7700 900001,sales,2026-01-05 09:00:01,2026-01-05 09:00:09,,200.5,30",
        "+44 7700 900002,sales,2026-01-05 09:00:05,,2026-01-05 09:01:05,,",
        "+44 7700 900003,sales,2026-01-05 09:01:00,2026-01-05 09:01:00,,180,20",
        "+44 7700 900004,sales,2026-01-05 09:02:00,,,,",
    ]


def test_call_detail_reads_only_the_needed_columns(tmp_path):
    d = read_details(write(tmp_path, detail_lines(), "details.csv"))
    sales = d.types["sales"]
    assert sales.wait_s.tolist() == [8.0, 60.0, 0.0] and sales.abandoned.tolist() == [False, True, False]
    assert sales.handle_s.tolist() == [200.5, 180.0] and sales.acw_s.tolist() == [30.0, 20.0]
    assert sales.other == 1 and d.rows == 4 and d.unread_columns == ["caller_number"]


def test_call_detail_errors_are_row_numbered_and_quote_no_personal_data(tmp_path):
    lines = detail_lines()
    lines[1] = lines[1].replace("2026-01-05 09:00:09", "2026-01-05 08:59:00")  # answered before arrival
    lines[2] = "+44 7700 900002,sales,2026-01-05 09:00:05,2026-01-05 09:00:30,2026-01-05 09:01:05,99,"
    lines[3] = lines[3].replace(",180,", ",,")  # answered without a handle time
    lines.append("+44 7700 900005,sales,2026-01-05 09:00:00,,2026-01-05 09:00:20,,")  # out of order
    lines.append("+44 7700 900006,sales,yesterday,,,,")
    found = problems(write(tmp_path, lines, "details.csv"), read_details)
    assert any("row 2, column 'answer_time'" in m and "before the arrival" in m for m in found)
    assert any("row 3" in m and "both answer_time and abandon_time" in m for m in found)
    assert any("row 4, column 'handle_s'" in m for m in found)
    assert any("row 6, column 'arrival_time'" in m and "sort by arrival_time" in m for m in found)
    assert any("row 7, column 'arrival_time'" in m and "'yesterday'" in m for m in found)
    assert not any("7700" in m for m in found)
