"""Entity resolution: every mention to the person, vehicle, phone, address or
organisation it refers to.

The public surface is re-exported here; the modules behind it may change.
"""

from vigil.core.linkage.evaluate import Scores, b_cubed, pairwise
from vigil.core.linkage.inputs import LINKS_SCHEMA, MENTIONS_SCHEMA, read_bundle
from vigil.core.linkage.persons import PersonModelOptions
from vigil.core.linkage.resolve import Resolution, resolve

__all__ = [
    "LINKS_SCHEMA",
    "MENTIONS_SCHEMA",
    "PersonModelOptions",
    "Resolution",
    "Scores",
    "b_cubed",
    "pairwise",
    "read_bundle",
    "resolve",
]
