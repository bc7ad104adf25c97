"""App configuration of two-factor sign-in."""

from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    """No models of its own: the devices are django-otp's. Connects the sign-in receiver."""

    name = "ilp.twofactor"
    label = "ilp_twofactor"
    verbose_name = "Two-factor sign-in"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from ilp.panels import NavItem, register_nav
        from ilp.twofactor import services

        user_logged_in.connect(services.on_user_logged_in, dispatch_uid="ilp-2fa-enrolled")
        register_nav(
            NavItem(
                "two-factor",
                "Two-factor sign-in",
                "two_factor_status",
                order=902,
                group="Account",
            )
        )
