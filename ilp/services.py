"""Writes of core objects. Keyword-only, typed and transactional."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ilp.models import ApiToken, User

TOKEN_DEFAULT_LIFETIME = timedelta(days=90)
TOKEN_MAX_LIFETIME = timedelta(days=366)


@dataclass(frozen=True)
class IssuedToken:
    """A token just made, with its key: the only moment the key is known."""

    token: ApiToken
    key: str


@transaction.atomic
def token_create(*, actor: User, name: str, expires_at: datetime | None = None) -> IssuedToken:
    """Issue an API token for the actor, valid until ``expires_at`` (at most a year ahead)."""
    now = timezone.now()
    expires = expires_at or now + TOKEN_DEFAULT_LIFETIME
    if timezone.is_naive(expires):
        raise ValidationError({"expires_at": "Give the expiry with a time zone."})
    if expires <= now:
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if expires > now + TOKEN_MAX_LIFETIME:
        raise ValidationError({"expires_at": "A token may live at most 366 days."})
    key = ApiToken.new_key()
    token = ApiToken(
        user=actor,
        name=name.strip(),
        prefix=key[: ApiToken.KEY_PREFIX_LENGTH],
        digest=ApiToken.digest_of(key),
        expires_at=expires,
    )
    token.full_clean()
    token.save()
    return IssuedToken(token=token, key=key)


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revoking twice keeps the first time."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.user_id != actor.pk and not actor.has_perm("ilp.change_apitoken"):
        raise PermissionDenied("Only the owner or an administrator can revoke a token.")
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


def token_revoke_all(*, user: User) -> int:
    """Revoke every active token of a user (on deactivation or suspected compromise)."""
    return ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
