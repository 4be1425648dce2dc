"""Vigil: safeguarding intelligence across agencies."""

__version__ = "0.1.0"
