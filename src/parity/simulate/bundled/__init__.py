"""Scenario files shipped with Parity."""
