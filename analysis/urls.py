"""UI routes of the analysis stage."""

from django.urls import URLPattern, URLResolver, path

from analysis import views

app_name = "analysis"

urlpatterns: list[URLPattern | URLResolver] = [
    path("jobs/", views.JobListView.as_view(), name="job_list"),
    path("jobs/new/", views.JobCreateView.as_view(), name="job_create"),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/progress/", views.JobProgressView.as_view(), name="job_progress"),
    path("jobs/<int:pk>/cancel/", views.JobCancelView.as_view(), name="job_cancel"),
    path("jobs/<int:pk>/rerun/", views.JobRerunView.as_view(), name="job_rerun"),
    path("jobs/<int:pk>/network/", views.JobNetworkView.as_view(), name="job_network"),
    path(
        "jobs/<int:pk>/export.csv",
        views.JobExportView.as_view(),
        {"fmt": "csv"},
        name="job_export_csv",
    ),
    path(
        "jobs/<int:pk>/export.geojson",
        views.JobExportView.as_view(),
        {"fmt": "geojson"},
        name="job_export_geojson",
    ),
]
