"""/api/v1/: the composition root of the API, naming each app's API routes."""

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from ilp.api import views

core = DefaultRouter(trailing_slash=True)
core.include_root_view = False
core.register("units", views.UnitViewSet, basename="unit")
core.register("tokens", views.ApiTokenViewSet, basename="token")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("core/me/", views.MeView.as_view(), name="me"),
    path("core/", include((core.urls, "core"), namespace="core")),
    path("collection/", include("collection.api.urls", namespace="collection")),
    path("analysis/", include("analysis.api.urls", namespace="analysis")),
]
