"""App configuration of the analysis stage."""

from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    """Analysis: jobs that run the methods over the records a user may see."""

    name = "analysis"
    verbose_name = "Analysis"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from analysis import registry

        registry.register()
