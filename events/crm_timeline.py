"""What seminars show on a CRM person's or organisation's timeline (registered in apps.ready)."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from common.models import OutboxMessage
from crm.timeline import Entry, timeline_provider

from .models import Registration, Seminar, SeminarSurvey

REGISTRATION_PERMS = ("events.view_registration",)


def _registrations(people) -> list[Registration]:
    return list(Registration.objects.filter(person__in=people).select_related("seminar", "person"))


@timeline_provider(perms=REGISTRATION_PERMS)
def registration_entries(*, organisation, people, user):
    for registration in _registrations(people):
        url = reverse("seminar_roster", args=[registration.seminar_id])
        yield Entry(
            registration.created_at,
            "seminar",
            _("「%(title)s」に申込（%(status)s）")
            % {"title": registration.seminar.title, "status": registration.get_status_display()},
            url=url,
            person=registration.person,
        )
        if registration.checked_in_at:
            yield Entry(
                registration.checked_in_at,
                "seminar",
                _("「%(title)s」に参加") % {"title": registration.seminar.title},
                url=url,
                person=registration.person,
            )


@timeline_provider(perms=(*REGISTRATION_PERMS, "events.view_seminarsurvey"))
def survey_entries(*, organisation, people, user):
    registrations = _registrations(people)
    for survey in SeminarSurvey.objects.filter(registration__in=registrations).select_related(
        "registration__seminar"
    ):
        yield Entry(
            survey.answered_at,
            "survey",
            _("「%(title)s」のアンケートに回答") % {"title": survey.registration.seminar.title},
            detail=_("満足度 %(n)s") % {"n": survey.satisfaction},
        )


@timeline_provider(perms=(*REGISTRATION_PERMS, "common.view_outboxmessage"))
def mail_entries(*, organisation, people, user):
    registrations = _registrations(people)
    # Seminar mails are filed under the seminar, addressed to the registrant.
    mails = OutboxMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(Seminar),
        related_id__in={str(r.seminar_id) for r in registrations},
        to_email__in={r.email for r in registrations},
        sent_at__isnull=False,
    )
    for mail in mails:
        yield Entry(mail.sent_at, "mail", mail.subject or mail.template, detail=mail.related_label)
