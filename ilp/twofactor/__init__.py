"""Two-factor sign-in: a code from an authenticator app (TOTP) after the password.

Required of the roles that can see restricted material (``ilp.roles.TWO_FACTOR_ROLES``) when
``ILP_REQUIRE_2FA`` is on; anyone may enrol. django-otp keeps the devices and marks a session
verified; this package decides who must pass, enrols, checks codes and guards every page.
"""
