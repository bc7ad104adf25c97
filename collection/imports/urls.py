"""UI routes of collection's imports (included by collection/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from collection.imports import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("imports/", views.ImportListView.as_view(), name="import_list"),
    path("imports/new/", views.ImportUploadView.as_view(), name="import_upload"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/mapping/", views.ImportMappingView.as_view(), name="import_mapping"),
    path("imports/<int:pk>/preview/", views.ImportPreviewView.as_view(), name="import_preview"),
    path("imports/<int:pk>/discard/", views.ImportDiscardView.as_view(), name="import_discard"),
]
