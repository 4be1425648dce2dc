"""Name search on a generated town: narrowing candidates by forename keys changes no result."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
import pytest
from django.contrib.auth import get_user_model

from vigil.core.scenario import generate
from vigil.web.accounts import services as account_services
from vigil.web.records import search_keys
from vigil.web.records.search import SearchKind, mention_search
from vigil.web.records.services import bundle_ingest

pytestmark = pytest.mark.django_db(transaction=True)


def _names_in(bundle: Path) -> list[str]:
    written: set[str] = set()
    for line in (bundle / "records.jsonl").read_bytes().splitlines():
        for mention in orjson.loads(line).get("mentions", []):
            if mention.get("name"):
                written.add(mention["name"])
            written.update(str(a) for a in mention.get("aliases") or [])
    return sorted(written)


def test_forename_keys_change_no_name_search_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = generate(tmp_path / "town", seed=11, scale=0.2)
    assert summary.records > 0
    bundle = tmp_path / "town" / "bundle"
    bundle_ingest(path=bundle)
    user = account_services.user_create(
        email="auditor@inquiry.example",
        password="a long enough passphrase",
        agency="inquiry",
        role="auditor",
    ).user
    assert get_user_model().objects.filter(pk=user.pk).exists()
    written = _names_in(bundle)
    # Names as the town wrote them, and as a user might type them: surname first,
    # lower case, one word.
    rng = random.Random(5)
    queries = rng.sample(written, min(120, len(written)))
    queries += [" ".join(reversed(q.split())) for q in queries[:30]]
    queries += [q.lower() for q in queries[:20]] + [q.split()[-1] for q in queries[:20]]

    def results(query: str) -> tuple[bool, list[tuple[int, str]]]:
        found = mention_search(kind=SearchKind.NAME, query=query, user=user)
        return found.truncated, [(h.mention_id, h.strength) for h in found.hits]

    narrowed = {q: results(q) for q in queries}
    monkeypatch.setattr(search_keys, "name_query_forename_keys", lambda query: None)
    widened = {q: results(q) for q in queries}
    assert narrowed == widened
    assert sum(1 for _, hits in widened.values() if hits) > len(queries) // 2
