"""Edit-form panels the apps share."""

from django.db import models
from django.urls import reverse

from wagtail.admin.panels import Panel


def history_url(obj: models.Model) -> str:
    """The readable change history of ``obj`` (``common.history``)."""
    meta = obj._meta
    return reverse("record_history", args=[meta.app_label, meta.model_name, obj.pk])


class HistoryLinkPanel(Panel):
    """A 変更履歴 link inside an edit form, for the views that take no header button (site
    settings). Generic edit and inspect views use ``HistoryButtonMixin`` instead."""

    @property
    def clean_name(self):
        return super().clean_name or "history"

    class BoundPanel(Panel.BoundPanel):
        template_name = "common/admin/history_link_panel.html"

        def is_shown(self):
            return bool(self.instance is not None and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["history_url"] = history_url(self.instance)
            return context
