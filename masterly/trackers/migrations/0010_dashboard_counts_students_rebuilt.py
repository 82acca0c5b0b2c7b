"""Every tracker's dashboard counts marked stale, so the next dashboard queues the rebuild
that also writes the schools' and districts' ``students`` and ``total`` rows (ADR 25)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def mark_stale(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("trackers", "Tracker").objects.filter(
        is_archived=False, counts_stale=False
    ).update(counts_stale=True)


class Migration(migrations.Migration):
    dependencies = [("trackers", "0009_individual_assignments")]

    operations = [migrations.RunPython(mark_stale, migrations.RunPython.noop)]
