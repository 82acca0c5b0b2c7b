from django.db import migrations, models


class Migration(migrations.Migration):
    """An item may forbid shuffling its options, and a choice may keep its place (QTI 3
    ``shuffle`` and ``fixed``). Existing rows get the defaults, which change nothing: every
    item's options may be shuffled, no choice is fixed, so attempts keep their order."""

    dependencies = [
        ("assessments", "0008_item_image_decorative_alt_from_qti"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemversion",
            name="may_shuffle_options",
            field=models.BooleanField(default=True, verbose_name="options may be shuffled"),
        ),
        migrations.AddField(
            model_name="choice",
            name="fixed",
            field=models.BooleanField(default=False, verbose_name="keeps its place"),
        ),
    ]
