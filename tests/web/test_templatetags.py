"""The template helpers: GOV.UK classes on widgets, selects written without Django's
per-option templates but with the same markup."""

from __future__ import annotations

from django import forms

from vigil.web.templatetags import govuk_widget


class Choose(forms.Form):
    plain = forms.ChoiceField(choices=[("1:a", "A & <b>"), ("2:b", "B")])
    placeholder = forms.ChoiceField(choices=[("", "Choose"), ("x", "X")])
    optional = forms.ChoiceField(choices=[("", "Any"), ("x", "X")], required=False)
    grouped = forms.ChoiceField(choices=[("Group", [("g", "G")])])


def test_a_select_escapes_its_options_and_marks_the_chosen_one() -> None:
    form = Choose({"plain": "2:b"})
    html = govuk_widget(form["plain"], "govuk-select")
    assert html.startswith('<select name="plain" class="govuk-select" id="id_plain">')
    assert '<option value="1:a">A &amp; &lt;b&gt;</option>' in html
    assert '<option value="2:b" selected>B</option>' in html
    assert html.endswith("</select>")


def test_a_select_is_as_django_writes_it_but_for_spacing() -> None:
    form = Choose({"plain": "x", "placeholder": "x"})
    form.is_valid()
    for name in ("plain", "placeholder", "optional", "grouped"):
        field = form[name]
        ours = govuk_widget(field, "govuk-select")
        attrs: dict[str, str | bool] = {"class": "govuk-select"}
        if field.errors:
            attrs = {"class": "govuk-select govuk-select--error"}
            attrs["aria-describedby"] = f"id_{name}-error"
        django = field.as_widget(attrs=attrs)
        assert [line.strip() for line in ours.splitlines() if line.strip()] == [
            line.strip() for line in django.splitlines() if line.strip()
        ], name


def test_a_required_select_with_a_placeholder_says_so() -> None:
    assert " required" in govuk_widget(Choose()["placeholder"], "govuk-select")
    assert " required" not in govuk_widget(Choose()["optional"], "govuk-select")
