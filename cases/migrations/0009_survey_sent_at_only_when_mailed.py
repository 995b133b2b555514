from django.db import migrations, models


def forget_unsent(apps, schema_editor):
    """Surveys of closures no survey mail was queued for (imports, no address) were never sent."""
    CaseSurvey = apps.get_model("cases", "CaseSurvey")
    OutboxMessage = apps.get_model("common", "OutboxMessage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type = ContentType.objects.filter(app_label="cases", model="case").first()
    mailed = set()
    if case_type is not None:
        mailed = set(
            OutboxMessage.objects.filter(
                template="case_survey", related_type=case_type
            ).values_list("related_id", flat=True)
        )
    for survey in CaseSurvey.objects.filter(sent_at__isnull=False).only("pk", "case_id"):
        if str(survey.case_id) not in mailed:
            CaseSurvey.objects.filter(pk=survey.pk).update(sent_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_consent_history_assignment_ended_contact_notes"),
        ("common", "0008_unlock_login_permission"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casesurvey",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="送信日時"),
        ),
        migrations.RunPython(forget_unsent, migrations.RunPython.noop),
    ]
