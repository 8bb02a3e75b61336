"""The engine: dispatch, routing, channels, workforce, journeys, events and their invariants."""
