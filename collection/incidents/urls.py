"""UI routes of collection's incidents (included by collection/urls.py).

URL names: ``collection:incident_list``, ``incident_map``, ``incident_create``,
``incident_detail`` and ``incident_edit`` (``<int:pk>``).
"""

from django.urls import URLPattern, URLResolver, path

from collection.incidents import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("incidents/", views.IncidentListView.as_view(), name="incident_list"),
    path("incidents/map/", views.IncidentMapView.as_view(), name="incident_map"),
    path("incidents/new/", views.IncidentFormView.as_view(), name="incident_create"),
    path("incidents/<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path("incidents/<int:pk>/edit/", views.IncidentEditView.as_view(), name="incident_edit"),
]
