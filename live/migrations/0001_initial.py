"""The live room's models enter the live app (issue 11), on the tables they already have.

A database made before the move has these tables from seminars' migrations 0002-0006
(``seminars_question`` and the rest); seminars/migrations/0007 took the models out of the
seminars app's state without touching them, and this migration adds them to the live app's
state, naming the same tables (``db_table``), indexes and constraints. So no row moves.
Content types follow the models, so permissions and admin log entries keep pointing at them.
A new database gets the tables from seminars' 0002-0006 the same way.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = (
    "attendance",
    "liveconnection",
    "liveprocess",
    "question",
    "roomdevice",
    "roomevent",
    "roommute",
    "roomsequence",
    "vote",
)


def move_content_types(from_label, to_label):
    def move(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        taken = set(
            content_type.objects.using(db)
            .filter(app_label=to_label, model__in=MODELS)
            .values_list("model", flat=True)
        )
        content_type.objects.using(db).filter(app_label=from_label, model__in=MODELS).exclude(
            model__in=taken
        ).update(app_label=to_label)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('seminars', '0007_live_models_leave_seminars'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='LiveProcess',
                    fields=[
                        ('id', models.UUIDField(help_text='New at every start of the process.', primary_key=True, serialize=False)),
                        ('hostname', models.CharField(max_length=255)),
                        ('pid', models.PositiveIntegerField()),
                        ('started_at', models.DateTimeField()),
                        ('beat_at', models.DateTimeField(db_index=True)),
                    ],
                    options={
                        'verbose_name': 'live server process',
                        'verbose_name_plural': 'live server processes',
                        'db_table': 'seminars_liveprocess',
                    },
                ),
                migrations.CreateModel(
                    name='RoomSequence',
                    fields=[
                        ('session', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='room_sequence', serialize=False, to='seminars.session')),
                        ('last_seq', models.PositiveBigIntegerField(default=0)),
                    ],
                    options={
                        'verbose_name': 'room sequence',
                        'verbose_name_plural': 'room sequences',
                        'db_table': 'seminars_roomsequence',
                    },
                ),
                migrations.CreateModel(
                    name='RoomDevice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('device_id', models.CharField(max_length=32, verbose_name='device id')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='room_devices', to='seminars.session')),
                    ],
                    options={
                        'verbose_name': 'in-room device',
                        'verbose_name_plural': 'in-room devices',
                        'db_table': 'seminars_roomdevice',
                    },
                ),
                migrations.CreateModel(
                    name='Question',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(max_length=500, verbose_name='question')),
                        ('language', models.CharField(max_length=16, verbose_name='language')),
                        ('hide_name', models.BooleanField(default=False, verbose_name='name hidden from the audience')),
                        ('state', models.CharField(choices=[('pending', 'Waiting for a moderator'), ('approved', 'Approved'), ('highlighted', 'On screen now'), ('answered', 'Answered'), ('dismissed', 'Dismissed')], default='pending', max_length=16, verbose_name='state')),
                        ('pinned', models.BooleanField(default=False, verbose_name='pinned')),
                        ('vote_count', models.PositiveIntegerField(default=0)),
                        ('answer_text', models.TextField(blank=True, max_length=2000, verbose_name='written answer')),
                        ('answered_live', models.BooleanField(default=False, verbose_name='answered live')),
                        ('last_seq', models.PositiveBigIntegerField(default=0, help_text='Seq of the last change.')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('addressed_agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='live_questions', to='seminars.organization', verbose_name='addressed to')),
                        ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='live_questions', to=settings.AUTH_USER_MODEL)),
                        ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='duplicates', to='live.question')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='seminars.session')),
                        ('author_device', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='questions', to='live.roomdevice')),
                    ],
                    options={
                        'verbose_name': 'question',
                        'verbose_name_plural': 'questions',
                        'db_table': 'seminars_question',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Attendance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('first_joined_at', models.DateTimeField()),
                        ('last_left_at', models.DateTimeField(blank=True, null=True)),
                        ('present_since', models.DateTimeField(blank=True, null=True)),
                        ('seconds_present', models.PositiveIntegerField(default=0)),
                        ('joins', models.PositiveIntegerField(default=0, help_text='How many times they came in.')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='seminars.session')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to=settings.AUTH_USER_MODEL)),
                        ('device', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='live.roomdevice')),
                    ],
                    options={
                        'verbose_name': 'attendance',
                        'verbose_name_plural': 'attendances',
                        'db_table': 'seminars_attendance',
                    },
                ),
                migrations.CreateModel(
                    name='RoomEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.PositiveBigIntegerField()),
                        ('kind', models.CharField(max_length=32)),
                        ('owner_key', models.CharField(blank=True, max_length=40)),
                        ('payload_full', models.JSONField()),
                        ('payload_public', models.JSONField(blank=True, null=True)),
                        ('payload_owner', models.JSONField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('agency', models.ForeignKey(blank=True, help_text="The agency that sees the full version (the question's addressee).", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='seminars.organization')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='room_events', to='seminars.session')),
                    ],
                    options={
                        'verbose_name': 'room event',
                        'verbose_name_plural': 'room events',
                        'db_table': 'seminars_roomevent',
                        'ordering': ['session', 'seq'],
                    },
                ),
                migrations.CreateModel(
                    name='RoomMute',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('person_key', models.CharField(max_length=40)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('muted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mutes', to='seminars.session')),
                    ],
                    options={
                        'verbose_name': 'muted person',
                        'verbose_name_plural': 'muted people',
                        'db_table': 'seminars_roommute',
                    },
                ),
                migrations.CreateModel(
                    name='Vote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('device', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='votes', to='live.roomdevice')),
                        ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='votes', to='live.question')),
                        ('voter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='live_votes', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'vote',
                        'verbose_name_plural': 'votes',
                        'db_table': 'seminars_vote',
                    },
                ),
                migrations.CreateModel(
                    name='LiveConnection',
                    fields=[
                        ('id', models.UUIDField(primary_key=True, serialize=False)),
                        ('process_id', models.UUIDField()),
                        ('opened_at', models.DateTimeField(auto_now_add=True)),
                        ('attendance', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='connections', to='live.attendance')),
                    ],
                    options={
                        'verbose_name': 'live connection',
                        'verbose_name_plural': 'live connections',
                        'db_table': 'seminars_liveconnection',
                        'indexes': [models.Index(fields=['process_id'], name='seminars_li_process_a1c437_idx')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='roomdevice',
                    constraint=models.UniqueConstraint(fields=('session', 'device_id'), name='one_device_id_per_room'),
                ),
                migrations.AddIndex(
                    model_name='question',
                    index=models.Index(fields=['session', 'state'], name='seminars_qu_session_86d171_idx'),
                ),
                migrations.AddIndex(
                    model_name='attendance',
                    index=models.Index(fields=['session', 'present_since'], name='seminars_at_session_c11528_idx'),
                ),
                migrations.AddConstraint(
                    model_name='attendance',
                    constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('session', 'user'), name='one_attendance_per_user'),
                ),
                migrations.AddConstraint(
                    model_name='attendance',
                    constraint=models.UniqueConstraint(condition=models.Q(('device__isnull', False)), fields=('session', 'device'), name='one_attendance_per_device'),
                ),
                migrations.AddConstraint(
                    model_name='roomevent',
                    constraint=models.UniqueConstraint(fields=('session', 'seq'), name='one_event_per_room_seq'),
                ),
                migrations.AddConstraint(
                    model_name='roommute',
                    constraint=models.UniqueConstraint(fields=('session', 'person_key'), name='one_mute_per_person'),
                ),
                migrations.AddConstraint(
                    model_name='vote',
                    constraint=models.UniqueConstraint(condition=models.Q(('voter__isnull', False)), fields=('question', 'voter'), name='one_vote_per_user'),
                ),
                migrations.AddConstraint(
                    model_name='vote',
                    constraint=models.UniqueConstraint(condition=models.Q(('device__isnull', False)), fields=('question', 'device'), name='one_vote_per_device'),
                ),
                migrations.AddConstraint(
                    model_name='vote',
                    constraint=models.CheckConstraint(condition=models.Q(('voter__isnull', False), ('device__isnull', False), _connector='XOR'), name='vote_by_user_xor_device'),
                ),
            ],
        ),
        migrations.RunPython(
            move_content_types("seminars", "live"), move_content_types("live", "seminars")
        ),
    ]
