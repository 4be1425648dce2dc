"""Replay's full links reusing the kept person model against full links that train it again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vigil.core.detect import read_bundle_inputs
from vigil.core.detect.replay import ReplayData, ReplayResult, ResolverLinking, replay, replay_steps
from vigil.core.linkage import pairwise, read_bundle
from vigil.core.scenario import generate

# The tolerance promised for reusing the model until the person mentions have
# doubled, against training at every full link (measured on seed 7: person
# pairwise F1 1.0 at scale 0.3 and 0.998 at scale 0.5, the same alerts at both).
MIN_PERSON_F1 = 0.99
MIN_ALERT_JACCARD = 0.9


def persons(result: ReplayResult) -> dict[tuple[str, str], str]:
    return {k: e for k, e in result.entity_of.items() if e.startswith("person-")}


def jaccard(left: set[str], right: set[str]) -> float:
    return len(left & right) / len(left | right) if left | right else 1.0


@pytest.mark.slow
def test_reusing_the_kept_model_gives_the_alerts_and_entities_of_retraining(
    tmp_path: Path,
) -> None:
    generate(tmp_path, seed=7, scale=0.3)
    mentions, links = read_bundle(tmp_path / "bundle")
    unlinked = read_bundle_inputs(tmp_path / "bundle", {})
    town = ReplayData(mentions, links, unlinked.records, unlinked.actions)
    steps = replay_steps(date(2000, 1, 1), date(2013, 12, 31), "month")[11::12]
    reusing, retraining = ResolverLinking(), ResolverLinking(retrain_growth=1.0)
    schedule = {"relink_every": 3, "relink_growth": 100.0}
    reused = replay(town, steps, link=reusing, **schedule)  # type: ignore[arg-type]
    retrained = replay(town, steps, link=retraining, **schedule)  # type: ignore[arg-type]
    # Both linked in full at the same steps; one trained at each, the other reused.
    assert [s.full_link for s in reused.steps] == [s.full_link for s in retrained.steps]
    assert reusing.reused >= 1 and retraining.reused == 0
    assert reusing.trained + reusing.reused == retraining.trained > reusing.trained
    scores = pairwise(persons(reused), persons(retrained))
    f1 = 2 * scores.precision * scores.recall / (scores.precision + scores.recall)
    assert f1 >= MIN_PERSON_F1, scores
    assert reused.entity_of.keys() == retrained.entity_of.keys()
    last = {a.finding.key for a in reused.alerts}
    assert last, "the scenario's networks should be alerted by 2013"
    assert jaccard(last, {a.finding.key for a in retrained.alerts}) >= MIN_ALERT_JACCARD
    assert jaccard(set(reused.raised_at), set(retrained.raised_at)) >= MIN_ALERT_JACCARD
