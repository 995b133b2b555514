"""The series' key goes to `events.Seminar` (0006 moved the links; a migration of its own, so
PostgreSQL's deferred key checks of those updates are done before the key is altered). The key
is altered without its database constraint here, which 0009 adds: going back, 0008 moves the
links back to the pages while no constraint names either table (PostgreSQL refuses to alter a
table with pending deferred checks, and the links are page ids only after 0008)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("appointments", "0006_series_follow_seminar_records"),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalsessionseries',
            name='seminar',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='セミナーの後に開く場合に選びます。セミナーのページに予約の案内が出ます。', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='events.seminar', verbose_name='セミナー'),
        ),
        migrations.AlterField(
            model_name='sessionseries',
            name='seminar',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='セミナーの後に開く場合に選びます。セミナーのページに予約の案内が出ます。', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='session_series', to='events.seminar', verbose_name='セミナー'),
        ),
    ]
