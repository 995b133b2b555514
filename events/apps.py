from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from wagtail.signals import page_published

from dxcenter.common.notices import notice_evidence


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("セミナー")

    def ready(self):
        # Imports here: models need the app registry ready.
        from . import crm_timeline, selectors, views  # noqa: F401 - crm_timeline registers
        from .models import Registration, SeminarIndexPage, SeminarPage

        page_published.connect(_seminar_published, sender=SeminarPage)
        notice_evidence(Registration)
        # The pages' behaviour that lives in selectors and views (which import the models).
        SeminarIndexPage.seminar_listing = selectors.seminar_index
        SeminarPage.seminar_canonical = selectors.canonical_seminar
        SeminarPage.seminar_attendance = selectors.seminar_attendance
        SeminarPage.seminar_view = staticmethod(views.seminar_page)


def _seminar_published(sender, instance, **kwargs):
    """Wagtail publishes pages (admin, scheduled publishing, code): the service decides."""
    from .services import seminar_published  # services imports the models (see ready)

    seminar_published(seminar=instance)
