"""On PostgreSQL, exclusion constraints on the meetings' time ranges, beside the portable
unique constraints on grid starts (see meetings/models.py): a vendor, an officer and a table
never hold two overlapping active meetings, whatever their starts. SQLite has no exclusion
constraints; there the unique constraints alone hold (meetings are always on the grid)."""

from django.db import migrations

CONSTRAINTS = [
    ("meeting_officer_no_overlap", "officer_id WITH ="),
    ("meeting_vendor_no_overlap", "registration_id WITH ="),
    ("meeting_table_no_overlap", "seminar_id WITH =, table_number WITH ="),
]


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, columns in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE meetings_meeting ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({columns}, tstzrange(starts_at, ends_at) WITH &&) WHERE (status = 'active')"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _columns in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE meetings_meeting DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
