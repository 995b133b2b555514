"""A 個別相談会 series follows an `events.Seminar`, no longer a page: a link to a seminar page
(in any language) becomes a link to the page's seminar."""

from django.db import migrations, models


def forward(apps, schema_editor):
    SeminarPage = apps.get_model("events", "SeminarPage")
    seminar_of = dict(SeminarPage.objects.values_list("pk", "seminar_id"))
    for name in ("SessionSeries", "HistoricalSessionSeries"):
        model = apps.get_model("appointments", name)
        for pk in set(model.objects.exclude(seminar_id=None).values_list("seminar_id", flat=True)):
            # A link to a page that is no seminar (the old key allowed any page) is dropped.
            model.objects.filter(seminar_id=pk).update(seminar_id=seminar_of.get(pk))


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0005_session_closed_by_seminar_cancellation'),
        ('events', '0011_seminar_pages_present_seminars'),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
