"""The KPI catalogue and its definitions, written once."""
