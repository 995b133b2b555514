from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common.notices import notice_evidence


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("相談案件")

    def ready(self):
        # Imports here: models and the portal need the app registry ready.
        from wagtail.permissions import register_permission_policy

        from common.mail import register_mail_types
        from crm.segments import register_segment_filter

        from . import crm_segments, crm_timeline, people_search  # noqa: F401 - crm_timeline registers
        from .models import Case, ConsentRecord
        from .permissions import CaseNeverDeletedPolicy
        from .portal import password_reset  # noqa: F401 - registers the portal's reset audience

        register_permission_policy(Case, CaseNeverDeletedPolicy(Case), exact_class=True)
        notice_evidence(ConsentRecord)
        people_search.register()  # cases in the admin's one search
        register_mail_types(
            "case_received",
            "case_survey",
            "consent_request",
            "assignment_new",
            "assignment_accepted",
            "assignment_declined",
            "assignment_resolved",
            "assignment_reminder",
            "assignment_overdue",
            "assignment_ended",
            "staff_new_case",
            "staff_new_case_digest",
            "staff_morning_list",
        )
        register_segment_filter(crm_segments.SEGMENT_KEYS, crm_segments.had_case_in_category)
