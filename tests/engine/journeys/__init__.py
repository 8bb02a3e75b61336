"""Caller journeys: IVR, balking, retrials, resolution and repeat contacts, callbacks,
conversion, the customer rating and multi-day horizons, a module per concept.

Every check rebuilds its quantity from the per-contact records, independently of
``ccsim.metrics.journeys``. Statistical checks use fixed seeds and 99 % Student-t
intervals over replications, so a failure is reproducible.
"""
