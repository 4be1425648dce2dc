"""Email addresses: cleaning, mailbox keys, comparison."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.normalise import emails
from vigil.core.normalise.emails import EmailLevel


@pytest.mark.parametrize(
    ("written", "clean", "key"),
    [
        (
            "Kay.Smith+school@googlemail.com",
            "kay.smith+school@googlemail.com",
            "kaysmith@gmail.com",
        ),
        ("Kay Smith <KAY@Example.co.uk>", "kay@example.co.uk", "kay@example.co.uk"),
        ("mailto:a.b@c.org", "a.b@c.org", "a.b@c.org"),  # dots matter outside Gmail
        ("x@y.com.", "x@y.com", "x@y.com"),
        ("not an email", None, None),
        ("a@b", None, None),
        ("a..b@c.com", None, None),
        ("", None, None),
    ],
)
def test_clean_and_key(written: str, clean: str | None, key: str | None) -> None:
    assert emails.clean(written) == clean
    assert emails.key(written) == key


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("kay@example.com", "KAY@example.com", EmailLevel.EXACT),
        ("Kay.Smith+x@googlemail.com", "kaysmith@gmail.com", EmailLevel.SAME_MAILBOX),
        ("kay@a.com", "kay@b.com", EmailLevel.SAME_USER),
        ("kay@a.com", "jo@a.com", EmailLevel.NONE),
    ],
)
def test_compare(a: str, b: str, level: EmailLevel) -> None:
    assert emails.compare(a, b) == level
    assert emails.compare(b, a) == level


def test_compare_missing_and_keys() -> None:
    assert emails.compare(None, "kay@a.com") is None
    assert emails.keys("Kay+x@a.com") == ("kay@a.com", "kay")
    assert emails.keys("nope") == ()


@given(st.text(max_size=40))
def test_never_crashes_and_clean_is_idempotent(text: str) -> None:
    clean = emails.clean(text)
    if clean is not None:
        assert emails.clean(clean) == clean
        assert emails.key(clean) == emails.key(text)
    emails.keys(text)


@given(st.emails())
def test_generated_addresses_are_kept(address: str) -> None:
    clean = emails.clean(address)
    if clean is not None:
        assert clean == address.lower().rstrip(".")
