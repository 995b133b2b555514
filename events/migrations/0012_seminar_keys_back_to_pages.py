"""Going back only: registrations and schedules return from seminars to the seminars' pages
(see 0011)."""

from django.db import migrations


def seminar_to_page(apps, schema_editor):
    """Backwards, before the keys go back to the pages: a seminar id becomes the id of its page
    in the default language (the lowest id where there is none), row by row (a seminar's id may
    be another page's)."""
    page_of = {}
    SeminarPage = apps.get_model("events", "SeminarPage")
    rows = SeminarPage.objects.exclude(seminar=None).order_by("-pk")
    for pk, seminar_id, language in rows.values_list("pk", "seminar_id", "locale__language_code"):
        if language == "ja" or seminar_id not in page_of or page_of[seminar_id][1] != "ja":
            page_of[seminar_id] = (pk, language)
    for name in ("Registration", "HistoricalRegistration", "SeminarSchedule", "HistoricalSeminarSchedule"):
        model = apps.get_model("events", name)
        key = "history_id" if name.startswith("Historical") else "pk"
        for row, seminar_id in list(model.objects.values_list(key, "seminar_id")):
            if seminar_id in page_of:
                model.objects.filter(**{key: row}).update(seminar_id=page_of[seminar_id][0])


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0011_seminar_pages_present_seminars"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, seminar_to_page),
    ]
