"""The answer key: `truth.json`, written beside the bundle (never inside it).

It is one JSON object, written as the records are, so that a million-record
town never has to be held in memory. Its keys, in file order:

- ``seed`` (int), ``scale`` (number), ``start`` and ``end`` (``YYYY-MM-DD``):
  what was generated and the period the records cover.
- ``mentions``: one object per mention of every record,
  ``{"record_id": "pol-crm-000123", "ref": "p1", "entity_id": "person-000042"}``.
  Every mention in records.jsonl appears exactly once.
- ``entities``: every entity that is mentioned, or that a network or decoy
  names. Each has ``entity_id``, ``type`` (``person``, ``vehicle``, ``phone``,
  ``address``, ``organisation``), ``kind`` (its part in the story:
  ``perpetrator``, ``victim``, ``decoy``, ``background``, ``professional``;
  vehicles, phones, addresses and organisations used by a network are
  ``network``) and its canonical attributes:

  - person: ``name``, ``first``, ``last``, ``gender``, ``dob``, ``origin``
    (name origin key), ``ethnicity``, ``nationality``, ``address_id`` (home,
    or null), ``phone_id`` (own phone, or null), ``aliases``, ``staff_id``
    (for professionals, else null);
  - vehicle: ``vrm`` (as issued), ``make``, ``model``, ``colour``,
    ``owner_id`` (person or null), ``operator_id`` (taxi firm or null);
  - phone: ``number`` (E.164), ``owner_id``;
  - address: ``address`` (street line), ``town``, ``postcode``, ``use``;
  - organisation: ``name``, ``org_type``, ``address_id``.
- ``networks``: one object per planted exploitation network:
  ``network_id``; ``start`` and ``end`` (dates of its activity);
  ``members`` — ``{"adults": [...], "children": [...], "vehicles": [...],
  "phones": [...], "addresses": [...], "organisations": [...]}`` of entity ids
  (organisations are the taxi firm, takeaway and hotel it used; addresses its
  flats, one in a neighbouring town); ``collected_from`` — schools and
  children's homes the children were taken from (places, not members);
  ``victims`` — ``[{"entity_id", "groomed_from", "age_then"}]``;
  ``record_ids`` — every record the network's activity caused (its concern
  records), in the order written; ``first_concern`` — ``recorded_at`` of the
  first of them; ``second_independent_concern`` — ``recorded_at`` of the
  first concern record held by a different agency from the first (two
  agencies knew), or null; ``outcome`` — null (never acted on) or
  ``{"kind": "conviction" | "charge" | "arrest", "date": "YYYY-MM-DD"}``,
  the furthest the criminal justice response got.
- ``decoys``: ``[{"entity_id", "decoy": kind}]`` — people and organisations
  that look like part of a network but are not, and must not be flagged:
  ``busy_youth_worker``, ``busy_taxi_firm``, ``frequent_missing_reporter``
  (a parent), ``frequently_missing_child`` (their child),
  ``common_name`` (several different people sharing one full name).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import orjson


class TruthWriter:
    """Streams truth.json section by section; use as a context manager."""

    def __init__(self, path: Path, *, seed: int, scale: float, start: str, end: str) -> None:
        self.path = path
        self.mentioned: set[str] = set()
        self._file: BinaryIO | None = None
        self._header = {"seed": seed, "scale": scale, "start": start, "end": end}
        self._section: str | None = None
        self._first = True

    def __enter__(self) -> TruthWriter:
        self._file = self.path.open("wb")
        self._file.write(orjson.dumps(self._header)[:-1])
        self.section("mentions")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._file is None:
            return
        if exc is None:
            self._close_section()
            self._file.write(b"}\n")
        self._file.close()
        self._file = None

    def mention(self, record_id: str, ref: str, entity_id: str) -> None:
        """Maps one mention to its true entity (only while the mentions section is open)."""
        self.mentioned.add(entity_id)
        self._item(
            b'{"record_id":"%s","ref":"%s","entity_id":"%s"}'
            % (record_id.encode(), ref.encode(), entity_id.encode())
        )

    def section(self, name: str) -> None:
        """Closes the open list and starts the list called `name`."""
        assert self._file is not None, "use TruthWriter as a context manager"
        self._close_section()
        self._file.write(b',"%s":[' % name.encode())
        self._section = name
        self._first = True

    def item(self, value: dict[str, Any]) -> None:
        """Adds one object to the open list."""
        self._item(orjson.dumps(value))

    def _item(self, line: bytes) -> None:
        assert self._file is not None
        self._file.write(b"\n" + line if self._first else b",\n" + line)
        self._first = False

    def _close_section(self) -> None:
        assert self._file is not None
        if self._section is not None:
            self._file.write(b"\n]")
            self._section = None


def read_truth(path: Path) -> dict[str, Any]:
    """Loads a truth.json whole (for tests and small scenarios)."""
    loaded: dict[str, Any] = orjson.loads(path.read_bytes())
    return loaded
