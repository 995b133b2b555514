"""The seminar pages keep their presentation only; registrations, schedules and their history
refer to `Seminar` (0009 gave every seminar the id of its page in the default language, so
the ids registrations hold stay valid). The keys to `Seminar` are altered without their database
constraints here, which 0013 adds: going back, 0012 moves the keys back to the pages while no
constraint names either table (PostgreSQL refuses to alter a table with pending deferred checks,
and the keys are page ids only after 0012)."""

import django.db.models.deletion
from django.db import migrations, models

FIELDS = (
    "starts_at",
    "ends_at",
    "format",
    "venue_name",
    "venue_address",
    "online_url",
    "capacity_venue",
    "capacity_online",
    "guest_lecturers",
    "registration_opens_at",
    "registration_closes_at",
    "is_cancelled",
    "recorded_attendance",
)


def restore(apps, schema_editor):
    """Backwards: each page takes its seminar's fields again (the old schema's copy)."""
    SeminarPage = apps.get_model("events", "SeminarPage")
    for page in SeminarPage.objects.exclude(seminar=None).select_related("seminar"):
        for field in FIELDS:
            setattr(page, field, getattr(page.seminar, field))
        page.save(update_fields=list(FIELDS))
        page.lecturer_advisors.set(page.seminar.lecturer_advisors.all())
        page.lecturer_companies.set(page.seminar.lecturer_companies.all())


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0010_seminars_from_pages"),
    ]

    operations = [
        # Nullable first, so that going back re-adds the columns empty and `restore` fills them.
        migrations.AlterField(
            model_name="seminarpage",
            name="starts_at",
            field=models.DateTimeField(db_index=True, null=True, verbose_name="開始日時"),
        ),
        migrations.AlterField(
            model_name="seminarpage",
            name="ends_at",
            field=models.DateTimeField(null=True, verbose_name="終了日時"),
        ),
        migrations.AlterField(
            model_name="seminarpage",
            name="format",
            field=models.CharField(
                choices=[("venue", "会場"), ("online", "オンライン"), ("hybrid", "ハイブリッド")],
                max_length=10,
                null=True,
                verbose_name="開催形式",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, restore),
        migrations.RemoveField(
            model_name='seminarpage',
            name='capacity_online',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='capacity_venue',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='ends_at',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='format',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='guest_lecturers',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='is_cancelled',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='lecturer_advisors',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='lecturer_companies',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='online_url',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='recorded_attendance',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='registration_closes_at',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='registration_opens_at',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='starts_at',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='venue_address',
        ),
        migrations.RemoveField(
            model_name='seminarpage',
            name='venue_name',
        ),
        migrations.AlterField(
            model_name='historicalregistration',
            name='seminar',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='events.seminar', verbose_name='セミナー'),
        ),
        migrations.AlterField(
            model_name='historicalseminarschedule',
            name='seminar',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='events.seminar', verbose_name='セミナー'),
        ),
        migrations.AlterField(
            model_name='registration',
            name='seminar',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='registrations', to='events.seminar', verbose_name='セミナー'),
        ),
        migrations.AlterField(
            model_name='seminarschedule',
            name='seminar',
            field=models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='schedule', to='events.seminar', verbose_name='セミナー'),
        ),
    ]
