from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("oneroster", "0006_planned_rows")]

    operations = [
        migrations.AddField(
            model_name="stageduser",
            name="preferred_language",
            field=models.CharField(blank=True, max_length=8),
        ),
    ]
