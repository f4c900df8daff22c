# The publisher of a feed is known by its key's digest and nginx's client id (issue 15).

from django.db import migrations, models
from django.db.models import F


def _publishers_known_by_their_key(apps, schema_editor):
    # A feed publishing during the upgrade: its encoder used the current key.
    StageFeed = apps.get_model("live", "StageFeed")
    StageFeed.objects.filter(publishing_since__isnull=False).update(
        publisher_key_hash=F("key_hash"), publisher_seen_at=F("publishing_since")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0003_stagefeed_second_encoder"),
    ]

    operations = [
        migrations.AddField(
            model_name="stagefeed",
            name="publisher_key_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="stagefeed",
            name="publisher_seen_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When nginx last said this feed's encoder is still publishing.",
                null=True,
            ),
        ),
        migrations.RunPython(_publishers_known_by_their_key, migrations.RunPython.noop),
    ]
