from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    """個別相談会: bookable one-to-one sessions with an advisor or partner."""

    name = "appointments"
    verbose_name = _("個別相談会")

    def ready(self):
        # Registers the scheduled reminder job, the mail attachment builders and the signals
        # that redraw the cached sessions section (models load only after the registry is ready).
        from . import services, signals, tasks  # noqa: F401
