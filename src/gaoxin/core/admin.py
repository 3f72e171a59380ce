"""The Django admin is the system administrator's tool for reference tables; its edits are audited too."""

from django.contrib import admin
from django.forms.models import model_to_dict

from . import audit, calendar
from .models import AuditEvent, CalendarDay, CalendarYear, TaskRun


def _snapshot(obj) -> dict:
    return {k: v for k, v in model_to_dict(obj).items() if k not in ("password", "totp_secret")}


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes one audit event per save or delete made through the admin."""

    def save_model(self, request, obj, form, change):
        before = _snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            summary=audit.changes(before, _snapshot(obj)),
        )

    def delete_model(self, request, obj):
        audit.record(actor=request.user, action="admin.delete", obj=obj, summary={"repr": str(obj)})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    list_display = ["date", "kind", "note", "updated_at"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar.invalidate()


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    list_display = ["year", "source", "loaded_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["actor", "object_id", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "done", "total", "created_by", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in TaskRun._meta.fields]
