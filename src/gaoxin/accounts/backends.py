from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from gaoxin.core import pillars

from . import permissions


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing locked accounts and answering has_perm by name from the
    rules the apps registered with core.pillars."""

    def user_can_authenticate(self, user):
        locked_until = getattr(user, "locked_until", None)
        if locked_until and locked_until > timezone.now():
            return False
        return super().user_can_authenticate(user)

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        rule = pillars.rule(perm)
        if rule is not None:
            return rule(user_obj)
        # The Django admin is the system administrator's tool for reference tables.
        return permissions.is_system_admin(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return user_obj.is_active and permissions.is_system_admin(user_obj)
