"""Alerts: what detection raised, and what people did about it."""
