"""Vigil's plain-Python core. Nothing under this package imports Django."""
