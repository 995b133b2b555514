from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("セミナー")

    def ready(self):
        from wagtail.signals import page_published

        from . import crm_timeline  # noqa: F401 - registers seminars on the CRM timeline
        from .models import SeminarPage

        page_published.connect(_seminar_published, sender=SeminarPage)


def _seminar_published(sender, instance, **kwargs):
    """Wagtail publishes pages (admin, scheduled publishing, code): the service decides."""
    from .services import seminar_published

    seminar_published(seminar=instance)
