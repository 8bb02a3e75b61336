"""The scenario language: what loads, what is refused and where, and a fuzzer over every field."""
