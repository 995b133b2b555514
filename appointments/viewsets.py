from django.utils.translation import gettext_lazy as _

from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet

from dxcenter.common.history import HistoryButtonMixin
from dxcenter.common.viewsets import ProtectedDeleteView

from .models import SessionSeries
from .services import series_save


class SeriesCreateView(CreateView):
    def save_instance(self):
        return series_save(series=self.form.save(commit=False))


class SeriesEditView(HistoryButtonMixin, EditView):
    def save_instance(self):
        return series_save(series=self.form.save(commit=False))


class SessionSeriesViewSet(ModelViewSet):
    """Staff publish session series; saving one makes (or withdraws) its slots."""

    model = SessionSeries
    icon = "date"
    menu_label = _("個別相談会")
    name = "session_series"
    add_view_class = SeriesCreateView
    edit_view_class = SeriesEditView
    delete_view_class = ProtectedDeleteView
    add_to_admin_menu = True
    menu_order = 160
    list_display = ["title", "host", "starts_at", "place", "is_published"]
    list_filter = ["place", "is_published", "advisor", "company"]
    search_fields = ["title"]
    copy_view_enabled = False
    inspect_view_enabled = False
