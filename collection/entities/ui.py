"""Small helpers shared by the entity and incident pages."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.urls import NoReverseMatch, reverse

_SELECTS = (forms.Select, forms.SelectMultiple)


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget its Bootstrap class, and mark fields with errors as invalid."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, _SELECTS):
            css = "form-select"
        else:
            css = "form-control"
        if form.is_bound and name in form.errors:
            css += " is-invalid"
        widget.attrs["class"] = css
    return form


def optional_url(url_name: str) -> Callable[[int], str] | None:
    """A function giving the URL of object ``pk`` under ``url_name``, or None when that page is
    not (yet) part of the platform: parts of a stage land independently."""
    try:
        template = reverse(url_name, args=[2147483647])
    except NoReverseMatch:
        return None
    return lambda pk: template.replace("2147483647", str(pk))
