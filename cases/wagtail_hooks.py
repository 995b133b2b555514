from django.template.loader import render_to_string

from wagtail import hooks
from wagtail.admin.ui.components import Component

from common.history import register_history_children

from .models import Assignment, Attachment, Case, CaseSurvey, ConsentRecord, Note
from .selectors import case_counts_for_staff_home
from .staff_settings import StaffMailSettingsPanel
from .staff_work import case_list_owned_open
from .viewsets import CaseViewSet


@hooks.register("register_admin_viewset")
def register_case_viewset():
    return CaseViewSet()


class CaseQueuePanel(Component):
    """Admin home: what needs attention today."""

    name = "case_queue"
    order = 50

    def render_html(self, parent_context=None):
        return render_to_string(
            "cases/admin/home_panel.html", {"counts": case_counts_for_staff_home()}
        )


@hooks.register("construct_homepage_panels")
def add_case_panel(request, panels):
    if request.user.has_perm("cases.view_case"):
        panels.insert(0, CaseQueuePanel())


class MyCasesPanel(Component):
    """Admin home: the open cases this staff member owns (自分の担当)."""

    name = "my_cases"
    order = 55
    limit = 10

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        cases = case_list_owned_open(user=self.user)
        return render_to_string(
            "cases/admin/my_cases_panel.html",
            {"cases": cases[: self.limit], "total": cases.count(), "limit": self.limit},
        )


@hooks.register("construct_homepage_panels")
def add_my_cases_panel(request, panels):
    if request.user.has_perm("cases.change_case"):
        panels.insert(1, MyCasesPanel(request.user))


@hooks.register("register_account_settings_panel")
def register_staff_mail_settings_panel(request, user, profile):
    return StaffMailSettingsPanel(request, user, profile)


def _case_history_children(case):
    """A case's page shows the changes of its consents, referrals, notes, files and survey,
    deleted ones included (their history names the case)."""
    for model in (ConsentRecord, Assignment, Note, Attachment, CaseSurvey):
        pks = model.history.filter(case_id=case.pk).values_list("id", flat=True).distinct()
        for pk in pks:
            yield model, pk


register_history_children(Case, _case_history_children)
