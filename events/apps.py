from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from wagtail.signals import page_published

from common.notices import notice_evidence
from common.page_cache import shown_on_public_pages


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("セミナー")

    def ready(self):
        # Imports here: models need the app registry ready.
        from common.mail import register_attachment_builder, register_mail_types
        from crm.segments import register_segment_filter

        from . import crm_segments, crm_timeline, people_search, services  # noqa: F401 - crm_timeline registers
        from .models import Registration, Seminar, SeminarPage, SeminarProgramme

        people_search.register()  # registrations in the admin's one search

        page_published.connect(_seminar_published, sender=SeminarPage)
        # The seminar pages show the records' dates, venues, seats and lecturers.
        shown_on_public_pages(Seminar, SeminarProgramme)
        notice_evidence(Registration)
        register_segment_filter(crm_segments.SEGMENT_KEYS, crm_segments.attended_in_period)
        # The mails: those to a registrant carry the calendar file and QR code.
        for template in services.ATTACHED_MAIL:
            register_attachment_builder(template, services.registration_mail_attachments)
        register_mail_types("seminar_waitlisted", "seminar_thanks")


def _seminar_published(sender, instance, **kwargs):
    """Wagtail publishes pages (admin, scheduled publishing, code): the seminars the page
    presents are checked (a first schedule recorded, free seats filled)."""
    from .services import seminar_saved  # services imports the models (see ready)

    for seminar in instance.dates():
        seminar_saved(seminar=seminar)
