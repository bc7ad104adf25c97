"""UI routes of collection's entities (included by collection/urls.py).

URL names are fixed (other parts link to them): ``collection:<kind>_list``, ``_detail``,
``_create``, ``_edit`` for person, location, vehicle and organisation; ``entity_index`` and
``entity_search`` (the autocomplete fragment).
"""

from django.urls import URLPattern, URLResolver, path

from collection.entities import views
from collection.entities.kinds import KINDS

urlpatterns: list[URLPattern | URLResolver] = [
    path("entities/", views.EntityIndexView.as_view(), name="entity_index"),
    path("entities/search/", views.EntitySearchView.as_view(), name="entity_search"),
]
for _kind in KINDS.values():
    urlpatterns += [
        path(f"{_kind.path}/", views.EntityListView.as_view(kind=_kind), name=f"{_kind.key}_list"),
        path(
            f"{_kind.path}/new/",
            views.EntityCreateView.as_view(kind=_kind),
            name=f"{_kind.key}_create",
        ),
        path(
            f"{_kind.path}/<int:pk>/",
            views.EntityDetailView.as_view(kind=_kind),
            name=f"{_kind.key}_detail",
        ),
        path(
            f"{_kind.path}/<int:pk>/edit/",
            views.EntityEditView.as_view(kind=_kind),
            name=f"{_kind.key}_edit",
        ),
    ]
