from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dxcenter.common.notices import notice_evidence


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("相談者・団体")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import (
            outreach,  # noqa: F401 - registers the campaign mail's guard and headers
            outreach_admin,  # noqa: F401 - registers the newsletter's admin viewsets
            outreach_timeline,  # noqa: F401 - the subscription and campaign mails on the pages
        )
        from .outreach_models import SubscriptionEvent  # models need the app registry ready

        notice_evidence(SubscriptionEvent)  # the subscribe page's consent names its notice
        # The apps above crm register what they know about a person as segment filters.
        autodiscover_modules("crm_segments")
