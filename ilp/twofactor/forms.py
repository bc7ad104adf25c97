"""The one form of two-factor sign-in: a code."""

from __future__ import annotations

import re
from typing import Any

from django import forms

_TOTP_CODE = re.compile(r"\d{6}")
# django-otp's recovery codes: 8 characters of lower-case base32.
_RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app or, where allowed, a recovery code.

    Spaces are ignored (apps show "123 456"); a code of the wrong shape is refused here and is
    not counted as a failed attempt, since no code was tried.
    """

    code = forms.CharField(max_length=32, strip=True)

    def __init__(self, *args: Any, allow_recovery: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allow_recovery = allow_recovery

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split()).lower()
        if _TOTP_CODE.fullmatch(code):
            return code
        if self.allow_recovery and _RECOVERY_CODE.fullmatch(code):
            return code
        if self.allow_recovery:
            raise forms.ValidationError(
                "Enter the 6-digit code from your authenticator app, or one of your "
                "8-character recovery codes."
            )
        raise forms.ValidationError("Enter the 6-digit code from your authenticator app.")
