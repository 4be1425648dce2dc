"""Detection on a small synthetic town, entities from linkage: recall and precision floors.

Measured (seed 7, scale 0.5, linkage entities): recall 1.0, precision 1.0 over 35 alerts,
no decoy in a high-priority alert, median lead 14 days. Floors sit just below.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from vigil.core.detect import detect, load_config, read_bundle_inputs
from vigil.core.detect.evaluate import score_alerts
from vigil.core.linkage import read_bundle, resolve
from vigil.core.scenario import generate
from vigil.core.scenario.truth import read_truth

SEED, SCALE = 7, 0.5


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder: Path = tmp_path_factory.mktemp("detect-town")
    generate(folder, seed=SEED, scale=SCALE)
    mentions, links = read_bundle(folder / "bundle")
    members = resolve(mentions, links).memberships
    entity_of = dict(
        zip(
            zip(
                members.column("record_id").to_pylist(),
                members.column("ref").to_pylist(),
                strict=True,
            ),
            members.column("entity_id").to_pylist(),
            strict=True,
        )
    )
    alerts = detect(
        read_bundle_inputs(folder / "bundle", entity_of), as_of=datetime(2017, 1, 1, tzinfo=UTC)
    )
    truth = read_truth(folder / "truth.json")
    return score_alerts(alerts, truth, entity_of, high=load_config().priority.high)


def test_every_network_found(scored) -> None:  # type: ignore[no-untyped-def]
    assert scored.network_recall == 1.0


def test_alert_precision_floor(scored) -> None:  # type: ignore[no-untyped-def]
    assert scored.alert_precision >= 0.97


def test_no_decoy_in_high_priority(scored) -> None:  # type: ignore[no-untyped-def]
    assert scored.decoys_in_high_priority == 0


def test_lead_time_within_a_month(scored) -> None:  # type: ignore[no-untyped-def]
    assert scored.median_lead_days is not None and scored.median_lead_days <= 30
