from django.db import migrations, models


def publish_existing(apps, schema_editor):
    # clauses that existed before the lifecycle were already live: they stay published
    apps.get_model("policies", "Clause").objects.update(state="published")


class Migration(migrations.Migration):
    # Why a RunPython.noop reverse is right here (tests/ops/test_migrations.py asks for it).
    reverse_noop_reason = (
        "Sets the state column this migration adds (existing clauses were live); going back drops the column."
    )
    dependencies = [
        ("policies", "0002_ledger_no_update"),
    ]

    operations = [
        migrations.AddField(
            model_name="clause",
            name="state",
            field=models.CharField(
                choices=[("draft", "草稿"), ("checked", "已核验"), ("published", "已发布")],
                default="draft",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(publish_existing, migrations.RunPython.noop),
    ]
