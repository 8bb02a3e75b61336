"""Experiments: replications, common random numbers, comparisons, sweeps, precision and the statistics."""
