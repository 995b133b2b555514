from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.search import SearchArea
from wagtail.contrib.settings.registry import register_setting
from wagtail.permissions import register_permission_policy

from .admin_display import register_image_display
from .admin_views import (
    EXPORT_PERMISSION,
    UNLOCK_PERMISSION,
    DisclosureView,
    LoginLockoutsView,
    bounce_clear_view,
    login_unlock_view,
    people_search_view,
)
from .history import RecordHistoryView
from .models import CenterSettings, OutboxMessage, PersonalDataAccess, PurposeNotice
from .people_search import search_providers
from .viewsets import (
    OutboxMessageViewSet,
    PersonalDataAccessViewSet,
    PurposeNoticePolicy,
    PurposeNoticeViewSet,
    ReadOnlyPolicy,
)

register_setting(CenterSettings, icon="site")
register_permission_policy(OutboxMessage, ReadOnlyPolicy(OutboxMessage))
register_permission_policy(PersonalDataAccess, ReadOnlyPolicy(PersonalDataAccess))
register_permission_policy(PurposeNotice, PurposeNoticePolicy(PurposeNotice))


@hooks.register("register_admin_viewset")
def register_mail_log():
    return OutboxMessageViewSet()


@hooks.register("register_admin_viewset")
def register_access_log():
    return PersonalDataAccessViewSet()


@hooks.register("register_admin_urls")
def register_disclosure_url():
    return [
        path(
            "history/<str:app_label>/<str:model_name>/<str:pk>/",
            RecordHistoryView.as_view(),
            name="record_history",
        ),
        path("disclosure/", DisclosureView.as_view(), name="disclosure"),
        path("bounces/clear/", bounce_clear_view, name="bounce_clear"),
        path("search/people/", people_search_view, name="people_search"),
    ]


class PeopleSearchArea(SearchArea):
    """The admin's search box looks for people and their work first (pages come after), for
    whoever may see at least one kind of it."""

    def is_shown(self, request):
        return any(p.allowed(request.user) for p in search_providers())


@hooks.register("register_admin_search_area")
def register_people_search_area():
    return PeopleSearchArea(
        _("相談者・案件"), reverse("people_search"), name="people", icon_name="user", order=10
    )


class DisclosureMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_disclosure_menu():
    return DisclosureMenuItem(_("開示請求"), reverse("disclosure"), icon_name="download", order=920)


@hooks.register("register_admin_urls")
def register_lockout_urls():
    return [
        path("lockouts/", LoginLockoutsView.as_view(), name="login_lockouts"),
        path("lockouts/unlock/", login_unlock_view, name="login_unlock"),
    ]


class LockoutsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(UNLOCK_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_lockouts_menu():
    return LockoutsMenuItem(
        _("ログイン制限"), reverse("login_lockouts"), icon_name="lock", order=930
    )


@hooks.register("insert_global_admin_css")
def center_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("register_admin_viewset")
def register_purpose_notices():
    return PurposeNoticeViewSet()


@hooks.register("register_admin_urls")
def register_image_display_after_wagtail_images():
    # Run when the admin's URLs are built, after every app's ready() (wagtail.images registers
    # its display in its ready(), which runs after this app's): no URLs, a registration.
    register_image_display()
    return []
