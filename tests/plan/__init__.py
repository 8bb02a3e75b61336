"""The plan built from a scenario: random streams keyed by their source."""
