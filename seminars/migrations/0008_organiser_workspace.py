"""The organiser workspace (issue 13): changelog entries for cancelled and deleted sessions,
pending notices instead of emails on save, who granted a role and when, and the seminar's
privacy notice version."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def seminar_of_each_change(apps, schema_editor):
    SessionChange = apps.get_model("seminars", "SessionChange")
    for change in SessionChange.objects.select_related("session").iterator():
        change.seminar_id = change.session.seminar_id
        change.session_title = change.session.title[:200]
        # Changes made before this migration were emailed at once, on save.
        change.notice = "sent"
        change.save(update_fields=["seminar", "session_title", "notice"])


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0007_live_models_leave_seminars"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="seminar",
            name="privacy_notice_version",
            field=models.CharField(
                blank=True,
                help_text="The version of the privacy notice registrants accept, for example 2026-01.",
                max_length=32,
                verbose_name="privacy notice version",
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancelled"),
        ),
        migrations.AddField(
            model_name="seminarrole",
            name="granted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="granted"),
        ),
        migrations.AddField(
            model_name="seminarrole",
            name="granted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="granted by",
            ),
        ),
        migrations.AddField(
            model_name="sessionchange",
            name="seminar",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="changes",
                to="seminars.seminar",
            ),
        ),
        migrations.AddField(
            model_name="sessionchange",
            name="session_title",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="sessionchange",
            name="affected_registration_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="sessionchange",
            name="notice",
            field=models.CharField(
                choices=[
                    ("pending", "Not yet sent"),
                    ("sent", "Sent to registrants"),
                    ("dismissed", "Not sent (organiser's decision)"),
                ],
                default="pending",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="sessionchange",
            name="notice_decided_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="sessionchange",
            name="field",
            field=models.CharField(
                choices=[
                    ("time", "Time"),
                    ("title", "Title"),
                    ("cancelled", "Cancelled"),
                    ("deleted", "Deleted"),
                ],
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="sessionchange",
            name="session",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="changes",
                to="seminars.session",
            ),
        ),
        migrations.RunPython(seminar_of_each_change, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="sessionchange",
            name="seminar",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="changes",
                to="seminars.seminar",
            ),
        ),
        migrations.AddIndex(
            model_name="sessionchange",
            index=models.Index(fields=["seminar", "notice"], name="seminars_se_seminar_a0161f_idx"),
        ),
    ]
