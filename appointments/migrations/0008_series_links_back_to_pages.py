"""Going back only: the series' links return from seminars to the seminars' pages (see 0007)."""

from django.db import migrations, models


def seminar_to_page(apps, schema_editor):
    SeminarPage = apps.get_model("events", "SeminarPage")
    page_of = {}
    for pk, seminar_id in SeminarPage.objects.order_by("-pk").values_list("pk", "seminar_id"):
        page_of[seminar_id] = pk  # the lowest page id: the page in the default language
    for name in ("SessionSeries", "HistoricalSessionSeries"):
        model = apps.get_model("appointments", name)
        key = "history_id" if name.startswith("Historical") else "pk"
        for row, seminar_id in list(model.objects.exclude(seminar_id=None).values_list(key, "seminar_id")):
            model.objects.filter(**{key: row}).update(seminar_id=page_of.get(seminar_id))



class Migration(migrations.Migration):

    dependencies = [
        ("appointments", "0007_series_seminar_key"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, seminar_to_page),
    ]
