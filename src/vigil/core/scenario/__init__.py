"""The synthetic town used by the demo, the tests and the benchmarks.

`generate(out, seed=..., scale=...)` writes `out/bundle/` (a bundle v1) and
`out/truth.json` (the answer key; its format is described in
`vigil.core.scenario.truth`).
"""

from vigil.core.scenario.generate import RECORDS_PER_SCALE, ScenarioSummary, generate

__all__ = ["RECORDS_PER_SCALE", "ScenarioSummary", "generate"]
