"""Vigil's identifiers as words on pages: `multi_agency_concern` → "Multi agency concern"."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def words(value: object) -> str:
    """An identifier with underscores as spaces and its first letter capital."""
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


@register.filter
def type_of(entity_id: object) -> str:
    """An entity's type, from its id (`person-…`, `vehicle-…`)."""
    return str(entity_id).split("-", 1)[0]


@register.filter
def counted(kind: object, number: int) -> str:
    """A count of an entity type in words: 3 vehicles, 1 address, 2 addresses."""
    word = str(kind).replace("_", " ")
    if number != 1:
        word += "es" if word.endswith(("s", "x", "sh", "ch")) else "s"
    return f"{number} {word}"
