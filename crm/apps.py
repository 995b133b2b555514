from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common.notices import notice_evidence


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("相談者・団体")

    def ready(self):
        from common.mail import register_mail_types

        from . import (
            checks,  # noqa: F401 - the segment keys' system check
            outreach,
            outreach_admin,  # noqa: F401 - registers the newsletter's admin viewsets
            outreach_timeline,  # noqa: F401 - the subscription and campaign mails on the pages
            people_search,
        )
        from .outreach_models import SubscriptionEvent  # models need the app registry ready

        outreach.register_mail()  # the campaign mail's guard and headers
        register_mail_types("newsletter_confirm")
        people_search.register()  # people and organisations in the admin's one search
        notice_evidence(SubscriptionEvent)  # the subscribe page's consent names its notice
        # The apps above crm register what they know about a person as segment filters in
        # their own ready(); crm/checks.py fails `manage.py check` when one is missing.
