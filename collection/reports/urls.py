"""UI routes of collection's reports, sources and requirements (included by collection/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from collection.reports import links, requirement_views, source_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportUpdateView.as_view(), name="report_update"),
    path("reports/<int:pk>/submit/", views.ReportSubmitView.as_view(), name="report_submit"),
    path("reports/<int:pk>/approve/", views.ReportApproveView.as_view(), name="report_approve"),
    path("reports/<int:pk>/return/", views.ReportReturnView.as_view(), name="report_return"),
    path("reports/<int:pk>/links/", links.ReportLinkAddView.as_view(), name="report_link_add"),
    path(
        "reports/<int:pk>/links/new/",
        links.ReportLinkCreateView.as_view(),
        name="report_link_create",
    ),
    path(
        "reports/<int:pk>/links/<int:link_pk>/remove/",
        links.ReportLinkRemoveView.as_view(),
        name="report_link_remove",
    ),
    path("reports/entities/", links.EntitySearchView.as_view(), name="report_entity_search"),
    path("sources/", source_views.SourceListView.as_view(), name="source_list"),
    path("sources/new/", source_views.SourceCreateView.as_view(), name="source_create"),
    path("sources/<int:pk>/", source_views.SourceDetailView.as_view(), name="source_detail"),
    path("sources/<int:pk>/edit/", source_views.SourceUpdateView.as_view(), name="source_update"),
    path("requirements/", requirement_views.RequirementListView.as_view(), name="requirement_list"),
    path(
        "requirements/new/",
        requirement_views.RequirementCreateView.as_view(),
        name="requirement_create",
    ),
    path(
        "requirements/<int:pk>/",
        requirement_views.RequirementDetailView.as_view(),
        name="requirement_detail",
    ),
    path(
        "requirements/<int:pk>/edit/",
        requirement_views.RequirementUpdateView.as_view(),
        name="requirement_update",
    ),
    path(
        "requirements/<int:pk>/close/",
        requirement_views.RequirementCloseView.as_view(),
        name="requirement_close",
    ),
]
