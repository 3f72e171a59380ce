from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("govservices", "0003_application_draft"),
    ]

    operations = [
        migrations.AddField(
            model_name="casematerial",
            name="verdict",
            field=models.CharField(
                choices=[("pending", "待查"), ("passed", "合格"), ("failed", "不合格")],
                default="pending",
                max_length=8,
                verbose_name="核查结论",
            ),
        ),
        migrations.AddField(
            model_name="casematerial",
            name="verdict_note",
            field=models.CharField(blank=True, max_length=200, verbose_name="核查意见"),
        ),
    ]
