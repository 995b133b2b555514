"""The series' key to `events.Seminar` gets its database constraint (see 0007)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("appointments", "0008_series_links_back_to_pages"),
    ]

    operations = [
        migrations.AlterField(
            model_name='sessionseries',
            name='seminar',
            field=models.ForeignKey(blank=True, help_text='セミナーの後に開く場合に選びます。セミナーのページに予約の案内が出ます。', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='session_series', to='events.seminar', verbose_name='セミナー'),
        ),
    ]
