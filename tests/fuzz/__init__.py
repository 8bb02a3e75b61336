"""Scenario fuzzing: hypothesis strategies for valid scenarios and their invalid mutations."""
