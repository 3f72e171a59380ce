from django.db import migrations, models


def mark_notice_days(apps, schema_editor):
    """Rows written by a year's load are the notice's days: they were written in the load's
    transaction, before the year's loaded_at; a row changed later is a staff override."""
    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarYear = apps.get_model("core", "CalendarYear")
    for loaded in CalendarYear.objects.all():
        rows = CalendarDay.objects.filter(date__year=loaded.year, updated_at__lte=loaded.loaded_at)
        for day in rows:
            CalendarDay.objects.filter(pk=day.pk).update(by_staff=False, notice_kind=day.kind)


class Migration(migrations.Migration):
    # Why a RunPython.noop reverse is right here (tests/ops/test_migrations.py asks for it).
    reverse_noop_reason = (
        "Fills the two columns this migration adds; going back drops them, so nothing is left to undo."
    )
    dependencies = [
        ("core", "0002_audit_sealed_in_blocks"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarday",
            name="by_staff",
            field=models.BooleanField(default=True, verbose_name="人工调整"),
        ),
        migrations.AddField(
            model_name="calendarday",
            name="notice_kind",
            field=models.CharField(
                blank=True,
                choices=[("holiday", "休息日"), ("workday", "工作日")],
                max_length=10,
                verbose_name="通知安排",
            ),
        ),
        migrations.RunPython(mark_notice_days, migrations.RunPython.noop),
    ]
