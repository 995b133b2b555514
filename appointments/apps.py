from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    """個別相談会: bookable one-to-one sessions with an advisor or partner."""

    name = "appointments"
    verbose_name = _("個別相談会")

    def ready(self):
        # Registers the scheduled reminder job and the signals that redraw the cached sessions
        # section (models load only after the registry is ready); then the mails' calendar files.
        from common.mail import register_attachment_builder

        from . import people_search, services, signals, tasks  # noqa: F401

        people_search.register()  # bookings in the admin's one search

        for template in services.ATTACHED_MAIL:
            register_attachment_builder(template, services.booking_mail_attachments)
        # A seminar's cancellation or move reaches the 個別相談会 held after it.
        from common.seminar_signals import seminar_changed

        seminar_changed.connect(_seminar_changed, dispatch_uid="appointments.seminar_changed")


def _seminar_changed(sender, seminar, changed, cancelled, **kwargs):
    from .services import series_follow_seminar

    series_follow_seminar(seminar=seminar, changed=changed, cancelled=cancelled)
