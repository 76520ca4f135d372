"""API tokens die with their user's credentials, and the token cache forgets a token at once.

Users have no service of their own here: they are kept with Django's admin forms,
`changepassword` and `createsuperuser`, all of which end in `User.save()`. So the receivers
below are the one point every path passes. A password change or a deactivation deletes the
user's tokens (a deleted row cannot be honoured by any process, cached or not), and any
token deleted, by that or by hand, is dropped from the cache of token authentications in
the same breath. Only `QuerySet.update()` and raw SQL pass by unseen; DRF's token check still
refuses an inactive user on every uncached request.
"""

import hashlib

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from rest_framework.authtoken.models import Token

# Fields whose change alters what a token may do: credentials revoke it, roles refresh it.
_CREDENTIALS = {"password", "is_active"}
_WATCHED = _CREDENTIALS | {"is_superuser"}


def cache_key(key: str) -> str:
    """Where a token's authentication is cached: a hash, so the key itself is never stored."""
    return "auth:token:" + hashlib.sha256(key.encode()).hexdigest()


def forget_user(user_id: int) -> None:
    keys = Token.objects.filter(user_id=user_id).values_list("key", flat=True)
    cache.delete_many([cache_key(key) for key in keys])


def _watched(update_fields) -> bool:
    return update_fields is None or bool(_WATCHED & set(update_fields))


def _note_credentials(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.pk is None or not _watched(update_fields):
        return
    instance._pms_credentials = sender.objects.filter(pk=instance.pk).values_list("password", "is_active").first()


def _revoke_or_refresh(sender, instance, created, update_fields=None, **kwargs) -> None:
    before = instance.__dict__.pop("_pms_credentials", None)
    if created or before is None:
        return
    password, was_active = before
    if password != instance.password or (was_active and not instance.is_active):
        Token.objects.filter(user_id=instance.pk).delete()  # each delete forgets its cache entry
    else:
        forget_user(instance.pk)  # superuser flag may have changed: cached roles must be reread


def _forget_token(sender, instance, **kwargs) -> None:
    cache.delete(cache_key(instance.key))


def _forget_roles(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Group membership is a role: drop the cached roles (before a clear, while members are known)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        forget_user(instance.pk)
        return
    for user_id in pk_set if pk_set is not None else instance.user_set.values_list("pk", flat=True):
        forget_user(user_id)


def connect() -> None:
    """Called from CoreConfig.ready()."""
    user = get_user_model()
    pre_save.connect(_note_credentials, sender=user, dispatch_uid="core.tokens.note")
    post_save.connect(_revoke_or_refresh, sender=user, dispatch_uid="core.tokens.revoke")
    post_delete.connect(_forget_token, sender=Token, dispatch_uid="core.tokens.forget")
    m2m_changed.connect(_forget_roles, sender=user.groups.through, dispatch_uid="core.tokens.roles")
