"""Template helpers every page can use (registered as builtins in settings)."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Paginator
from django.forms import BoundField
from django.http import QueryDict
from django.template.context import RequestContext

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: RequestContext, **changes: object) -> str:
    """The current query string with some parameters changed, e.g. the page number."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = str(value)
    return "?" + query.urlencode()


@register.filter
def elided_range(paginator: Paginator[Any], number: int) -> list[int | str]:
    """Page numbers around the current one, with ellipses for the rest."""
    return list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1))


@register.simple_tag
def govuk_widget(field: BoundField, css_class: str = "govuk-input") -> str:
    """A form field's input with GOV.UK's class, and its hint and error described."""
    described = [f"{field.auto_id}-hint"] if field.help_text else []
    if field.errors:
        css_class += f" {css_class}--error"
        described.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {"class": css_class}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
