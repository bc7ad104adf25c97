"""Governance UI routes (namespace "governance")."""

from django.urls import path

from ilp.governance import views

app_name = "governance"

urlpatterns = [
    path("reviews/", views.ReviewQueueView.as_view(), name="review_queue"),
    path(
        "reviews/<int:content_type_id>/<int:pk>/",
        views.ReviewDecideView.as_view(),
        name="review_decide",
    ),
    path("share/<int:content_type_id>/<int:pk>/", views.ShareView.as_view(), name="share"),
    path("restrict/<int:content_type_id>/<int:pk>/", views.RestrictView.as_view(), name="restrict"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
]
