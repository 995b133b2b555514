from django.utils.translation import gettext_lazy as _

from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from dxcenter.common.history import HistoryEditView
from dxcenter.common.viewsets import ProtectedDeleteView

from .models import Advisor, ExpertiseArea, Membership, PartnerCompany


class AdvisorViewSet(ModelViewSet):
    edit_view_class = HistoryEditView
    model = Advisor
    delete_view_class = ProtectedDeleteView
    icon = "user"
    menu_label = _("DXアドバイザー")
    name = "advisors"
    form_fields = [
        "name",
        "name_kana",
        "name_en",
        "title",
        "affiliation",
        "profile",
        "profile_en",
        "email",
        "photo",
        "expertise",
        "user",
        "is_public",
        "is_active",
    ]
    list_display = ["name", "affiliation", "title", "is_public", "is_active"]
    list_filter = ["is_public", "is_active", "expertise"]
    search_fields = ["name", "name_kana", "affiliation"]
    inspect_view_enabled = True
    copy_view_enabled = False


class PartnerCompanyViewSet(ModelViewSet):
    edit_view_class = HistoryEditView
    model = PartnerCompany
    delete_view_class = ProtectedDeleteView
    icon = "group"
    menu_label = _("DXパートナー")
    name = "partner_companies"
    form_fields = [
        "name",
        "name_en",
        "kind",
        "description",
        "description_en",
        "website",
        "email",
        "logo",
        "expertise",
        "is_public",
        "is_active",
    ]
    list_display = ["name", "kind", "is_public", "is_active"]
    list_filter = ["kind", "is_public", "is_active", "expertise"]
    search_fields = ["name", "name_en"]
    inspect_view_enabled = True
    copy_view_enabled = False


class MembershipViewSet(ModelViewSet):
    model = Membership
    delete_view_class = ProtectedDeleteView
    icon = "key"
    menu_label = _("パートナー企業メンバー")
    name = "memberships"
    form_fields = ["company", "user"]
    list_display = ["company", "user"]
    list_filter = ["company"]
    copy_view_enabled = False


class ExpertiseAreaViewSet(ModelViewSet):
    model = ExpertiseArea
    delete_view_class = ProtectedDeleteView
    icon = "tag"
    menu_label = _("専門分野")
    name = "expertise"
    form_fields = ["name", "name_en", "slug", "keywords", "sort_order"]
    list_display = ["name", "name_en", "keywords", "sort_order"]
    copy_view_enabled = False


class PartnersGroup(ViewSetGroup):
    menu_label = _("アドバイザー・パートナー")
    menu_icon = "group"
    menu_order = 200
    items = (AdvisorViewSet, PartnerCompanyViewSet, MembershipViewSet, ExpertiseAreaViewSet)
