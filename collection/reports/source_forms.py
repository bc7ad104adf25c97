"""UI forms of sources and intelligence requirements."""

from __future__ import annotations

from typing import Any

from django import forms

from collection.models import IntelligenceRequirement, Source
from collection.reports.forms import HandlingMixin
from ilp.models import User


class HandlerChoiceField(forms.ModelMultipleChoiceField):
    """Users shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class SourceForm(HandlingMixin):
    """Register or edit a source. Identity and handlers appear only to those who may see them
    (anyone creating a source, the handlers of a covert one, anyone for other kinds)."""

    kind = forms.ChoiceField(choices=Source.Kind.choices, label="Type")
    reference = forms.CharField(
        max_length=40, help_text="The sanitised reference readers see, e.g. SRC-0042."
    )
    identity = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Who the source is. For a covert source only its handlers ever see this.",
    )
    handlers = HandlerChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Users of your agency who handle the source (a covert source needs one).",
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SENSITIVE = ("identity", "handlers")

    def __init__(
        self,
        *args: Any,
        actor: User,
        source: Source | None = None,
        sensitive: bool = True,
        **kwargs: Any,
    ) -> None:
        if source is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": source.kind,
                "reference": source.reference,
                "is_active": source.is_active,
                "notes": source.notes,
                "classification": source.classification,
                "handling_code": source.handling_code,
                "handling_conditions": source.handling_conditions,
                "version": source.version,
            }
            if sensitive:
                kwargs["initial"]["identity"] = source.identity
                kwargs["initial"]["handlers"] = list(source.handlers.values_list("pk", flat=True))
        super().__init__(*args, **kwargs)
        self.scope_classification(actor)
        self.fields["handling_code"].required = True
        self.fields["version"].required = source is not None
        if sensitive:
            handlers = self.fields["handlers"]
            assert isinstance(handlers, forms.ModelMultipleChoiceField)
            handlers.queryset = (
                User.objects.filter(agency_id=actor.agency_id, is_active=True).order_by(
                    "last_name", "first_name", "username"
                )
                if actor.agency_id is not None
                else User.objects.none()
            )
        else:
            for name in self.SENSITIVE:
                del self.fields[name]
            # The kind of a covert source is fixed for non-handlers (see source_update).
            self.fields["kind"].disabled = True


class RequirementForm(HandlingMixin):
    """Open or edit an intelligence requirement."""

    title = forms.CharField(max_length=200)
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="What the agency needs to know."
    )
    priority = forms.ChoiceField(
        choices=IntelligenceRequirement.Priority.choices,
        initial=IntelligenceRequirement.Priority.MEDIUM,
    )
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        actor: User,
        requirement: IntelligenceRequirement | None = None,
        **kwargs: Any,
    ) -> None:
        if requirement is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(requirement, name)
                for name in (
                    "title",
                    "question",
                    "priority",
                    "due_date",
                    "classification",
                    "handling_code",
                    "handling_conditions",
                    "version",
                )
            }
        super().__init__(*args, **kwargs)
        self.scope_classification(actor)
        self.fields["handling_code"].required = True
        self.fields["handling_code"].initial = "P"
        self.fields["version"].required = requirement is not None
