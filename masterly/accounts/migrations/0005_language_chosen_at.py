from django.db import migrations, models
from django.utils import timezone


def languages_set_so_far_were_chosen(apps, schema_editor):
    """Until now only the person (or the demo) set ``preferred_language``: the roster never
    did, so every saved language is taken for the person's own choice and kept by imports."""
    User = apps.get_model("accounts", "User")
    User.objects.exclude(preferred_language="").update(language_chosen_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_temporary_passwords")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language_chosen_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(languages_set_so_far_were_chosen, migrations.RunPython.noop),
    ]
