"""URL composition root: the only module that names every app's routes."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ilp import audit_views, views
from ilp.twofactor import views as two_factor_views

app_urls = (
    [
        path("tokens/", views.TokenListView.as_view(), name="token_list"),
        path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
        path("audit/", audit_views.AuditEventListView.as_view(), name="audit_list"),
        path("audit/export.csv", audit_views.AuditEventExportView.as_view(), name="audit_export"),
    ],
    "ilp",
)

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/2fa/", two_factor_views.TwoFactorStatusView.as_view(), name="two_factor_status"),
    path(
        "accounts/2fa/verify/",
        two_factor_views.TwoFactorVerifyView.as_view(),
        name="two_factor_verify",
    ),
    path(
        "accounts/2fa/enrol/",
        two_factor_views.TwoFactorEnrolView.as_view(),
        name="two_factor_enrol",
    ),
    path("account/", include(app_urls)),
    path("collection/", include("collection.urls", namespace="collection")),
    path("analysis/", include("analysis.urls", namespace="analysis")),
    path("governance/", include("ilp.governance.urls", namespace="governance")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("ilp.api.urls", "api"), namespace="api")),
]

handler400 = "ilp.views.bad_request"
handler403 = "ilp.views.permission_denied"
handler404 = "ilp.views.page_not_found"
handler500 = "ilp.views.server_error"
