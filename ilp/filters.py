"""FilterSets of core objects, shared by the UI and the API."""

from __future__ import annotations

import django_filters

from ilp.models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    """Filter the audit trail by user, record, action and period."""

    user = django_filters.CharFilter(field_name="actor_username", lookup_expr="iexact")
    object_type = django_filters.CharFilter(lookup_expr="iexact")
    object_id = django_filters.CharFilter()
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices)
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["user", "object_type", "object_id", "action", "since", "until"]
