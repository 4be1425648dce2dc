"""Template helpers every page can use (registered as builtins in settings)."""

from __future__ import annotations

import copy
from typing import Any

from django import forms, template
from django.core.paginator import Paginator
from django.forms import BoundField
from django.http import QueryDict
from django.template.context import RequestContext
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
    widget = field.field.widget
    if type(widget) is forms.Select and not any(
        isinstance(label, (list, tuple)) for _, label in widget.choices
    ):
        return _select(field, widget, attrs)
    return field.as_widget(attrs=attrs)


def _select(field: BoundField, widget: forms.Select, attrs: dict[str, str | bool]) -> str:
    """A select with its options written here: Django renders each option through its
    own templates, which on an entity with hundreds of mentions takes most of the page."""
    empty = copy.copy(widget)
    empty.choices = []
    # Whether it is required depends on the options, which the empty copy has not.
    if (
        widget.use_required_attribute(field.initial)
        and field.field.required
        and field.form.use_required_attribute
    ):
        attrs = {**attrs, "required": True}
    tag = field.as_widget(widget=empty, attrs=attrs)
    chosen = set(widget.format_value(field.value()))
    options = []
    for value, label in widget.choices:
        text = "" if value is None else str(value)
        selected = text in chosen
        chosen.discard(text)  # as Django: only the first option of a value is selected
        options.append(
            format_html(
                '<option value="{}"{}>{}</option>', text, " selected" if selected else "", label
            )
        )
    head, _, tail = tag.rpartition("</select>")
    # Safe: the tag is Django's and every option went through format_html.
    return mark_safe(head.rstrip() + "\n" + "\n".join(options) + "\n</select>" + tail)
