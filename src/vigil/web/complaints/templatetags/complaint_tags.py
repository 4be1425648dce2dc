"""Naming the staff who took each step of a complaint."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

register = template.Library()


@register.filter
def person(user_id: int | None, people: Mapping[int, str]) -> str:
    """`people[user_id]` (their email and role), else "user N"."""
    if user_id is None:
        return "unknown"
    return people.get(user_id, f"user {user_id}")
