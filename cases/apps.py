from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from dxcenter.common.notices import notice_evidence


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("相談案件")

    def ready(self):
        # Imports here: models and the portal need the app registry ready.
        from . import crm_timeline  # noqa: F401 - registers cases on the CRM timeline
        from .models import ConsentRecord
        from .portal import password_reset  # noqa: F401 - registers the portal's reset audience

        notice_evidence(ConsentRecord)
