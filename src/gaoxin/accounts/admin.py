from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from gaoxin.core.admin import AuditedModelAdmin

from .models import ApiToken, Department, RoleAssignment, User


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["name", "code"]


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = [
        "username",
        "full_name",
        "kind",
        "department",
        "enterprise_name",
        "is_active",
        "locked_until",
    ]
    list_filter = ["kind", "department", "is_active"]
    search_fields = ["username", "full_name", "enterprise_uscc", "enterprise_name"]
    inlines = [RoleInline]
    fieldsets = [
        (None, {"fields": ["username", "password", "kind", "full_name", "phone", "is_active"]}),
        ("工作人员", {"fields": ["department", "is_staff", "is_superuser", "totp_enabled"]}),
        ("企业用户", {"fields": ["enterprise_uscc", "enterprise_name", "is_legal_rep", "authorised_by"]}),
        ("个人用户", {"fields": ["id_card"]}),
        ("登录安全", {"fields": ["failed_logins", "locked_until", "last_login"]}),
    ]
    readonly_fields = ["last_login", "totp_enabled"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "expires_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
