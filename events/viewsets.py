"""Staff edit seminars (date, venue, seats, registration, cancellation) and programmes as
snippets: a seminar page chooses its seminar, and every language's page shows the same one."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from common.choosers import ChooserViewSet
from common.history import HistoryButtonMixin
from common.viewsets import ProtectedDeleteView

from .models import Seminar, SeminarProgramme
from .services import seminar_saved


class SeminarCreateView(CreateView):
    def save_instance(self):
        seminar = super().save_instance()
        seminar_saved(seminar=seminar)
        return seminar


class SeminarEditView(HistoryButtonMixin, EditView):
    def save_instance(self):
        # A change of date, place or a cancellation is mailed to the registrants it concerns.
        seminar = super().save_instance()
        seminar_saved(seminar=seminar)
        return seminar


class SeminarViewSet(SnippetViewSet):
    model = Seminar
    icon = "date"
    chooser_viewset_class = ChooserViewSet
    menu_label = _("日程・会場")
    add_view_class = SeminarCreateView
    edit_view_class = SeminarEditView
    delete_view_class = ProtectedDeleteView
    list_display = ["__str__", "programme", "format", "capacity_venue", "capacity_online"]
    list_filter = ["format", "is_cancelled", "programme"]
    ordering = ["-starts_at"]
    copy_view_enabled = False
    inspect_view_enabled = False


class SeminarProgrammeViewSet(SnippetViewSet):
    model = SeminarProgramme
    icon = "list-ul"
    chooser_viewset_class = ChooserViewSet
    menu_label = _("シリーズ（複数日程）")
    delete_view_class = ProtectedDeleteView
    list_display = ["name"]
    search_fields = ["name"]
    copy_view_enabled = False
    inspect_view_enabled = False


class SeminarViewSetGroup(SnippetViewSetGroup):
    items = (SeminarViewSet, SeminarProgrammeViewSet)
    menu_icon = "date"
    menu_label = _("セミナーの日程")
    menu_order = 149
