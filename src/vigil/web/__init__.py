"""Vigil's Django layer: persistence, users and pages, over the plain-Python core."""
