"""Rendering results: terminal tables, JSON and CSV files."""
