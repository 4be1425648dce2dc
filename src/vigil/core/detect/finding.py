"""What a rule finds: who it is about, the evidence, and why in plain words."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from vigil.core.detect.inputs import MentionKey


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule firing on one subject.

    Attributes:
        rule: The rule's name.
        subject_ids: The entities the finding is about; with the rule, its identity.
        entity_ids: Every entity in the evidence.
        mentions: The mentions the evidence rests on.
        record_ids: The records the evidence rests on.
        triggered_at: When the evidence first met the rule (a recorded date).
        explanation: Why the rule fired, in plain words.
    """

    rule: str
    subject_ids: tuple[str, ...]
    entity_ids: tuple[str, ...]
    mentions: tuple[MentionKey, ...]
    record_ids: tuple[str, ...]
    triggered_at: datetime
    explanation: str

    @property
    def key(self) -> str:
        """The alert's identity: the rule and its subjects, however the evidence grows."""
        return alert_key(self.rule, self.subject_ids)

    @property
    def alert_id(self) -> str:
        """A short id derived from the key."""
        return "alert-" + hashlib.sha256(self.key.encode()).hexdigest()[:16]


def alert_key(rule: str, subject_ids: Iterable[str]) -> str:
    """An alert's key: its rule and its subjects' ids, sorted."""
    return f"{rule}:{'+'.join(sorted(subject_ids))}"


def finding(
    *,
    rule: str,
    subjects: set[str] | tuple[str, ...],
    mentions: set[MentionKey],
    entity_of: dict[MentionKey, str],
    triggered_at: datetime,
    explanation: str,
) -> Finding:
    """A finding with its evidence sorted, so the same evidence reads the same."""
    ordered = tuple(sorted(mentions))
    return Finding(
        rule=rule,
        subject_ids=tuple(sorted(subjects)),
        entity_ids=tuple(sorted({entity_of[m] for m in ordered} | set(subjects))),
        mentions=ordered,
        record_ids=tuple(sorted({m[0] for m in ordered})),
        triggered_at=triggered_at,
        explanation=explanation,
    )


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 record', '2 records'."""
    return f"{count} {word if count == 1 else many or word + 's'}"
