"""Registrations and schedules get their database constraints to `Seminar` (see 0011)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0012_seminar_keys_back_to_pages"),
    ]

    operations = [
        migrations.AlterField(
            model_name='registration',
            name='seminar',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='registrations', to='events.seminar', verbose_name='セミナー'),
        ),
        migrations.AlterField(
            model_name='seminarschedule',
            name='seminar',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='schedule', to='events.seminar', verbose_name='セミナー'),
        ),
    ]
