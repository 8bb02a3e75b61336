"""What the tests share: hypothesis strategies over the scenario language, random valid
scenarios with the checks their records obey, the books of an event stream, small centres."""
