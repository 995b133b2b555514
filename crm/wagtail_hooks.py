from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views, merge_views


@hooks.register("register_admin_urls")
def register_crm_admin_urls():
    return [
        path("crm/", admin_views.organisation_list, name="crm_organisations"),
        path(
            "crm/organisations/<int:pk>/", admin_views.organisation_detail, name="crm_organisation"
        ),
        path("crm/people/<int:pk>/", admin_views.person_detail, name="crm_person"),
        path(
            "crm/organisations/<id:pk>/merge/",
            merge_views.organisation_merge_confirm,
            name="crm_organisation_merge",
        ),
        path(
            "crm/people/<id:pk>/merge/", merge_views.person_merge_confirm, name="crm_person_merge"
        ),
        path("crm/duplicates/", admin_views.duplicate_list, name="crm_duplicates"),
        path(
            "crm/duplicates/<int:pk>/resolve/",
            admin_views.duplicate_resolve,
            name="crm_duplicate_resolve",
        ),
    ]


class CrmMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("crm.view_organisation")


@hooks.register("register_admin_menu_item")
def register_crm_menu_item():
    return CrmMenuItem(
        _("相談者・団体"), reverse("crm_organisations"), icon_name="group", order=120
    )
