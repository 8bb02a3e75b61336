"""Staffing: the analytic start, the simulation search, shift rosters, and their commands."""
