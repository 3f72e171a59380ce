import datetime as dt

from django.db import DatabaseError, migrations, transaction

MONTHLY = [
    "output_value",
    "revenue",
    "profit",
    "tax",
    "employees",
    "rd_expense",
    "rd_staff",
    "export_value",
    "energy",
]
ANNUAL = MONTHLY + ["tech_contracts", "rd_fte", "bachelor_staff"]
REQUIRED = ["revenue", "profit", "tax", "employees"]

TRGM_COLUMNS = ["name", "former_names", "name_pinyin"]


def forms(apps, schema_editor):
    ReportForm = apps.get_model("enterprises", "ReportForm")
    ReportForm.objects.get_or_create(
        kind="monthly",
        version=1,
        defaults={
            "title": "企业主要经济指标月报",
            "fields": MONTHLY,
            "required": REQUIRED,
            "due_workday": 8,
            "active_from": dt.date(2016, 1, 1),
        },
    )
    ReportForm.objects.get_or_create(
        kind="annual",
        version=1,
        defaults={
            "title": "企业主要经济指标年报",
            "fields": ANNUAL,
            "required": REQUIRED,
            "due_workday": 20,
            "active_from": dt.date(2016, 1, 1),
        },
    )


def trigram_indexes(apps, schema_editor):
    # Substring search over 100,000 names; on SQLite the plain scan is fast enough and no index is made.
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return  # no right to create the extension: search still works, by scanning
    for column in TRGM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS ent_{column}_trgm ON enterprises_enterprise "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRGM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS ent_{column}_trgm")


class Migration(migrations.Migration):
    # Why a RunPython.noop reverse is right here (tests/ops/test_migrations.py asks for it).
    reverse_noop_reason = "The report forms are the data the platform needs from then on; going back to before 0003 drops the table with them (0001 makes no rows). The indexes have their own reverse."
    dependencies = [("enterprises", "0002_registry_reporting")]

    operations = [
        migrations.RunPython(forms, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
