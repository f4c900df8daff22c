"""Close the connections recorded before processes recorded their liveness.

Their process id is not a uuid and no process will beat for them again (a deploy restarts
every process): each open stay is closed at its connections' last refresh, as the old
reaper would have done, and the rows are deleted. A separate migration from the schema
change, because PostgreSQL refuses to alter a table with deletes pending in the same
transaction.
"""

from django.db import migrations
from django.db.models import Max


def close_legacy_connections(apps, schema_editor):
    Attendance = apps.get_model("seminars", "Attendance")
    LiveConnection = apps.get_model("seminars", "LiveConnection")
    last_seen = dict(
        LiveConnection.objects.values("attendance_id")
        .annotate(seen=Max("last_seen_at"))
        .values_list("attendance_id", "seen")
    )
    for attendance in Attendance.objects.filter(pk__in=last_seen, present_since__isnull=False):
        until = max(last_seen[attendance.pk], attendance.present_since)
        attendance.seconds_present += int((until - attendance.present_since).total_seconds())
        attendance.present_since = None
        attendance.last_left_at = until
        attendance.save(update_fields=["seconds_present", "present_since", "last_left_at"])
    LiveConnection.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("seminars", "0004_organization_updated_at")]

    operations = [migrations.RunPython(close_legacy_connections, migrations.RunPython.noop)]
