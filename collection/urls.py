"""UI routes of the collection stage: each part contributes its own list."""

from django.urls import include, path

from collection.entities import urls as entities
from collection.imports import urls as imports
from collection.incidents import urls as incidents
from collection.reports import urls as reports

app_name = "collection"

urlpatterns = [
    path("", include(reports.urlpatterns)),
    path("", include(incidents.urlpatterns)),
    path("", include(imports.urlpatterns)),
    path("", include(entities.urlpatterns)),
]
