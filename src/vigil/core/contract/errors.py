"""What is wrong with a line of input, said so that the sender can fix it."""

from __future__ import annotations

from dataclasses import dataclass


class ContractError(ValueError):
    """One line breaks the bundle contract. The message is the reason, in plain words."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """A line that was not taken in, and why.

    Attributes:
        file: The file the line came from, as the user named it.
        line: 1-based line number (for CSV, the row's first physical line).
        reason: Plain-words reason.
        excerpt: The start of the line as read, for the person fixing it.
    """

    file: str
    line: int
    reason: str
    excerpt: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"
