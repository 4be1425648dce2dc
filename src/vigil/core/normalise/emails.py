"""Email addresses: cleaned for display and keyed for matching.

The clean form is the address in lower case. The key also drops a "+tag"
and, for Gmail, the dots of the local part, which the provider ignores, so
"Kay.Smith+school@googlemail.com" and "kaysmith@gmail.com" share a key.
"""

from __future__ import annotations

import re
from enum import IntEnum
from functools import lru_cache

_ADDRESS = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+")
_ANGLED = re.compile(r"<([^<>]*)>")
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
# Providers that deliver "a.b@" and "ab@" to one mailbox.
_DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


class EmailLevel(IntEnum):
    """How alike two addresses are, strongest last."""

    NONE = 0
    SAME_USER = 1  # same local part at another domain: weak evidence
    SAME_MAILBOX = 2  # one mailbox once tags and ignored dots are dropped
    EXACT = 3


@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str | None:
    """An email address in lower case, found in "Name <addr>" or "mailto:" forms too.

    Args:
        text: An address as written.

    Returns:
        The address, or None when the text holds no well-formed one.
    """
    value = text.strip()
    angled = _ANGLED.search(value)
    if angled:
        value = angled.group(1)
    value = _MAILTO.sub("", value.strip()).strip().lower().rstrip(".")
    if not _ADDRESS.fullmatch(value) or ".." in value or value.startswith("."):
        return None
    return value


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str | None:
    """The mailbox an address delivers to: no "+tag", Gmail dots dropped.

    Args:
        text: An address as written.

    Returns:
        The key, or None when the text is no address.
    """
    value = clean(text)
    if value is None:
        return None
    local, _, domain = value.rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in _DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def keys(text: str) -> tuple[str, ...]:
    """Blocking and search keys: the mailbox key and its local part.

    Args:
        text: An address as written.

    Returns:
        Keys, or an empty tuple when the text is no address.
    """
    mailbox = key(text)
    if mailbox is None:
        return ()
    return (mailbox, mailbox.rpartition("@")[0])


def compare(a: str | None, b: str | None) -> EmailLevel | None:
    """How alike two addresses are.

    Args:
        a: An address as written, or None.
        b: Another.

    Returns:
        The level, or None when either is missing or no address.
    """
    left = clean(a) if a else None
    right = clean(b) if b else None
    if left is None or right is None:
        return None
    if left == right:
        return EmailLevel.EXACT
    key_left, key_right = key(left), key(right)
    if key_left == key_right:
        return EmailLevel.SAME_MAILBOX
    assert key_left is not None and key_right is not None
    if key_left.rpartition("@")[0] == key_right.rpartition("@")[0]:
        return EmailLevel.SAME_USER
    return EmailLevel.NONE
