"""App configuration of the ILP core."""

from django.apps import AppConfig


class IlpConfig(AppConfig):
    """Core app: users, agencies, units, roles and the platform's UI/API foundations."""

    name = "ilp"
    verbose_name = "ILP core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from ilp import panels, roles

        post_migrate.connect(roles.sync_role_groups_after_migrate, dispatch_uid="ilp-role-groups")
        panels.register_core_panels()
