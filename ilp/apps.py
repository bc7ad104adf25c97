"""App configuration of the ILP core."""

from django.apps import AppConfig


class IlpConfig(AppConfig):
    """Core app: users, agencies, units, roles and the platform's UI/API foundations."""

    name = "ilp"
    verbose_name = "ILP core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import signals as auth_signals
        from django.db.models.signals import post_migrate

        from ilp import audit, panels, roles

        auth_signals.user_logged_in.connect(audit.on_user_logged_in, dispatch_uid="ilp-audit-in")
        auth_signals.user_logged_out.connect(audit.on_user_logged_out, dispatch_uid="ilp-audit-out")
        auth_signals.user_login_failed.connect(
            audit.on_user_login_failed, dispatch_uid="ilp-audit-failed"
        )

        post_migrate.connect(roles.sync_role_groups_after_migrate, dispatch_uid="ilp-role-groups")
        panels.register_core_panels()
        from ilp.governance.review import register_reviewable
        from ilp.models import Person

        register_reviewable(Person)
