"""Real time: snapshots, residual sampling, what-if, live pacing and the dashboard."""
