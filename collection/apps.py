"""App configuration of the collection stage."""

from django.apps import AppConfig


class CollectionConfig(AppConfig):
    """Collection: what the agency knows, graded and linked, and the crime data it imports."""

    name = "collection"
    verbose_name = "Collection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from collection import registry

        registry.register()
