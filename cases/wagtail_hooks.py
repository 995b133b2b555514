from django.template.loader import render_to_string

from wagtail import hooks
from wagtail.admin.ui.components import Component

from .selectors import case_counts_for_staff_home
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
