"""Blocking keys that stay selective however many mentions there are.

A rule like "same surname spelling, same forename initial" is what finds
"Mattgew White" for "Matthew White", but in a town of a million mentions
its block for "Khan, M." holds two thousand of them: two million pairs,
almost all different people, and the largest share of the whole run's
work. Blocks up to `MAX_BLOCK` mentions are kept whole, so a town of the
usual size is blocked exactly as before; a larger block is split by the
postcode district, and mentions in it with no postcode are left to the
other rules (same name keys, same birth year, same date of birth, ...).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# Mentions in one block of `INITIAL_BLOCK` before it is split by district.
MAX_BLOCK = 300
# The column: surname spelling and forename initial, and the district in a large block.
INITIAL_BLOCK = "initial_block"


def with_block_keys(features: pa.Table) -> pa.Table:
    """The features with `INITIAL_BLOCK` added (or recomputed), rows in their order.

    Args:
        features: Person features (`surname_spelling`, `forename_initial`,
            `postcode_district`).
    """
    key = pc.binary_join_element_wise(
        features.column("surname_spelling"), features.column("forename_initial"), " "
    )
    counts = pc.value_counts(key)
    values, sizes = counts.field("values"), counts.field("counts")
    size = pc.take(sizes, pc.index_in(key, value_set=values))
    split = pc.binary_join_element_wise(key, features.column("postcode_district"), " ")
    large = pc.fill_null(pc.greater(size, MAX_BLOCK), False)
    block = pc.if_else(large, split, key)
    index = features.schema.get_field_index(INITIAL_BLOCK)
    if index >= 0:
        return features.set_column(index, INITIAL_BLOCK, block)
    return features.append_column(INITIAL_BLOCK, block)
