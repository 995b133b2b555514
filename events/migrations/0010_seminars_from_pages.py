"""One `Seminar` per seminar, made from its page in the default language (the page the product
counted seats on): it takes that page's id, so registrations, schedules, their history, mails
filed under the seminar and the roster's access log keep their ids. Every page (the English
translation too) points to it; a registration or schedule made through a translation (none
should exist) is moved to the seminar. Nothing is deleted here: 0010 drops the page fields."""

from django.conf import settings
from django.db import migrations

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


def _default_locale_id(apps):
    Locale = apps.get_model("wagtailcore", "Locale")
    language = settings.LANGUAGE_CODE.split("-")[0]
    locale = Locale.objects.filter(language_code=language).first() or Locale.objects.first()
    return locale.pk if locale else None


def _canonical(pages, default_locale_id) -> dict[int, int]:
    """page id → the id of the page whose fields make the seminar (the old canonical_seminar)."""
    in_default = {p.translation_key: p.pk for p in pages if p.locale_id == default_locale_id}
    return {p.pk: in_default.get(p.translation_key, p.pk) for p in pages}


def forward(apps, schema_editor):
    SeminarPage = apps.get_model("events", "SeminarPage")
    Seminar = apps.get_model("events", "Seminar")
    pages = list(SeminarPage.objects.order_by("pk"))
    canonical = _canonical(pages, _default_locale_id(apps))
    by_pk = {p.pk: p for p in pages}
    for pk in sorted(set(canonical.values())):
        page = by_pk[pk]
        seminar = Seminar.objects.create(id=pk, **{f: getattr(page, f) for f in FIELDS})
        seminar.lecturer_advisors.set(page.lecturer_advisors.all())
        seminar.lecturer_companies.set(page.lecturer_companies.all())
    for page in pages:
        SeminarPage.objects.filter(pk=page.pk).update(seminar_id=canonical[page.pk])
    _revisions(apps, canonical)
    moved = {pk: target for pk, target in canonical.items() if pk != target}
    for name in ("Registration", "HistoricalRegistration", "SeminarSchedule", "HistoricalSeminarSchedule"):
        model = apps.get_model("events", name)
        for pk, target in moved.items():
            model.objects.filter(seminar_id=pk).update(seminar_id=target)
    _generic_links(apps, canonical)
    if schema_editor.connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with schema_editor.connection.cursor() as cursor:
            for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Seminar]):
                cursor.execute(sql)


def _revisions(apps, canonical):
    """A page's revisions (a draft, a scheduled publication, a revision staff revert to) name
    the page's seminar too: otherwise publishing one would leave the page without it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    page_type = ContentType.objects.filter(app_label="events", model="seminarpage").first()
    if page_type is None:
        return
    for pk, target in canonical.items():
        for revision in Revision.objects.filter(content_type=page_type, object_id=str(pk)):
            revision.content = {**revision.content, "seminar": target, "programme": None}
            revision.save(update_fields=["content"])


def _generic_links(apps, canonical):
    """Mails filed under a seminar page, and the access log of its roster, name the seminar."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    page_type = ContentType.objects.filter(app_label="events", model="seminarpage").first()
    if page_type is None:
        return
    seminar_type, _ = ContentType.objects.get_or_create(app_label="events", model="seminar")
    OutboxMessage = apps.get_model("common", "OutboxMessage")
    PersonalDataAccess = apps.get_model("common", "PersonalDataAccess")
    for model, type_field, id_field, extra in (
        (OutboxMessage, "related_type", "related_id", {}),
        (PersonalDataAccess, "subject_type", "subject_id", {"context": "seminar_roster"}),
    ):
        for pk, target in canonical.items():
            model.objects.filter(**{type_field: page_type, id_field: str(pk)}, **extra).update(
                **{type_field: seminar_type, id_field: str(target)}
            )


def backward(apps, schema_editor):
    """Back to the pages (0010 reversed gave them their fields again): the generic links go
    back to the pages, and the seminars go."""
    SeminarPage = apps.get_model("events", "SeminarPage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    page_type = ContentType.objects.filter(app_label="events", model="seminarpage").first()
    seminar_type = ContentType.objects.filter(app_label="events", model="seminar").first()
    if page_type and seminar_type:
        page_of = {}
        for pk, seminar_id in SeminarPage.objects.order_by("-pk").values_list("pk", "seminar_id"):
            page_of[str(seminar_id)] = str(pk)  # the lowest id: the page in the default language
        for model, type_field, id_field in (
            (apps.get_model("common", "OutboxMessage"), "related_type", "related_id"),
            (apps.get_model("common", "PersonalDataAccess"), "subject_type", "subject_id"),
        ):
            for row in model.objects.filter(**{type_field: seminar_type}):
                setattr(row, type_field, page_type)
                setattr(row, id_field, page_of.get(getattr(row, id_field), getattr(row, id_field)))
                row.save(update_fields=[type_field, id_field])
    SeminarPage.objects.update(seminar=None, programme=None)
    apps.get_model("events", "Seminar").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_seminar_records"),
        ("common", "0009_history_for_every_staff_edited_record"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
