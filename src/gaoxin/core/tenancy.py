"""Tenancy by construction: a model holding tenant data has a queryset with `visible_to(user)`.

`visible_to` is the one definition of which rows a user may see; selectors start from it, and
`tests/test_tenancy_sweep.py` checks every API operation and object URL against it. The rules
(who is an enterprise user, a reviewer, …) live in the pillars' permission modules; this base class
only gives them a shape, and helpers to scope a child table through its parent."""

from __future__ import annotations

from django.db import models


class TenantQuerySet(models.QuerySet):
    """Deny by default: a subclass that forgets to decide shows nothing."""

    def visible_to(self, user) -> TenantQuerySet:
        return self.none()

    def through(self, lookup: str, parent: models.QuerySet) -> TenantQuerySet:
        """Rows whose `lookup` (a foreign key) points at a row of `parent`, itself already scoped.

        An unfiltered parent (someone who sees the whole table) adds no subquery."""
        if parent.query.is_empty():
            return self.none()
        if not parent.query.where:
            return self
        return self.filter(**{f"{lookup}__in": parent.values("pk")})


def active_user(user) -> bool:
    """Anonymous and deactivated accounts see nothing, whatever else they hold."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_tenant_model(model) -> bool:
    return isinstance(model._default_manager.all(), TenantQuerySet)
