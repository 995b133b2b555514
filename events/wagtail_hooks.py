from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from common.history import register_history_children

from . import admin_views, views
from .models import Registration, SeminarIndexPage, SeminarPage, SeminarSurvey
from .viewsets import SeminarViewSetGroup


@hooks.register("register_admin_urls")
def register_seminar_admin_urls():
    return [
        path("seminars/", admin_views.seminar_list, name="seminar_list"),
        path("seminars/<id:pk>/roster/", admin_views.seminar_roster, name="seminar_roster"),
        path("seminars/<id:pk>/walk-in/", admin_views.walk_in, name="seminar_walk_in"),
        path(
            "seminars/registrations/<id:pk>/<str:action>/",
            admin_views.registration_action,
            name="seminar_registration_action",
        ),
        path(
            "seminars/checkin/<str:token>/", admin_views.checkin_from_qr, name="seminar_checkin_qr"
        ),
    ]


class SeminarMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("events.view_registration")


@hooks.register("register_admin_menu_item")
def register_seminar_menu_item():
    return SeminarMenuItem(_("セミナー受付"), reverse("seminar_list"), icon_name="date", order=150)


@hooks.register("before_serve_page", order=100)  # after Wagtail's view restrictions
def serve_seminar_pages(page, request, serve_args, serve_kwargs):
    """The seminar pages' views: a seminar with its registration form, the index's listing."""
    if isinstance(page, SeminarPage):
        return views.seminar_page(request, page=page)
    if isinstance(page, SeminarIndexPage):
        return views.seminar_index_page(request, page=page)
    return None


def _registration_history_children(registration):
    """A registration's history shows its survey answer too."""
    pks = SeminarSurvey.history.filter(registration_id=registration.pk).values_list("id", flat=True)
    for pk in pks.distinct():
        yield SeminarSurvey, pk


register_history_children(Registration, _registration_history_children)


register_snippet(SeminarViewSetGroup)
