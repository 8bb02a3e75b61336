"""Calibration: history and call detail in, a scenario out, the truth recovered."""
