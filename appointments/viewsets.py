from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet

from common.history import HistoryButtonMixin
from common.viewsets import ProtectedDeleteView

from .forms import SeriesForm
from .models import SessionSeries
from .services import series_save, series_slots_overlapping_seminar


class SeriesCreateView(CreateView):
    def save_instance(self):
        return series_save(series=self.form.save(commit=False), by=self.request.user)


class SeriesEditView(HistoryButtonMixin, EditView):
    def get(self, request, *args, **kwargs):
        # Staff see where a slot still to come overlaps the seminar's lecture (it was moved).
        overlapping = [
            timezone.localtime(slot.starts_at).strftime("%H:%M")
            for slot in series_slots_overlapping_seminar(self.get_object())
        ]
        if overlapping:
            messages.warning(
                request,
                gettext("セミナーの時間と重なる相談枠があります: %(times)s")
                % {"times": "、".join(overlapping)},
            )
        return super().get(request, *args, **kwargs)

    def save_instance(self):
        # A change of host cancels the bookings ahead (the form asked first).
        return series_save(series=self.form.save(commit=False), by=self.request.user)


class SessionSeriesViewSet(ModelViewSet):
    """Staff publish session series; saving one makes (or withdraws) its slots."""

    model = SessionSeries
    icon = "date"
    menu_label = _("個別相談会")
    name = "session_series"
    add_view_class = SeriesCreateView
    edit_view_class = SeriesEditView
    delete_view_class = ProtectedDeleteView
    edit_handler = ObjectList(
        [*SessionSeries.panels, FieldPanel("confirm_host_change")], base_form_class=SeriesForm
    )
    add_to_admin_menu = True
    menu_order = 160
    list_display = [
        "title",
        Column("host", label=_("担当者")),
        "starts_at",
        "place",
        "is_published",
    ]
    list_filter = ["place", "is_published", "advisor", "company"]
    search_fields = ["title"]
    copy_view_enabled = False
    inspect_view_enabled = False
