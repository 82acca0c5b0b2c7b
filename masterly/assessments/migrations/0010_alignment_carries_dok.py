"""Each alignment carries its version's DOK (the bank's search by a domain and a DOK reads
the index alone): added, copied from the versions in one statement, and indexed."""

from django.db import migrations, models

COPY_DOK = """
UPDATE assessments_itemstandard SET dok = (
    SELECT v.dok FROM assessments_itemversion v WHERE v.id = assessments_itemstandard.version_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_item_option_shuffling_from_qti"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemstandard",
            name="dok",
            field=models.PositiveSmallIntegerField(
                default=1, verbose_name="its version's depth of knowledge"
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(COPY_DOK, migrations.RunSQL.noop, elidable=False),
        migrations.RemoveIndex(model_name="itemstandard", name="assessments_standar_13afad_idx"),
        migrations.AddIndex(
            model_name="itemstandard",
            index=models.Index(
                fields=["standard", "dok", "version"], name="itemstandard_standard_dok"
            ),
        ),
    ]
