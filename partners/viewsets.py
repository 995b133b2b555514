from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from common.history import HistoryEditView
from common.viewsets import ProtectedDeleteView

from .models import Advisor, ExpertiseArea, Membership, PartnerCompany, VocabularyEntry


class ThinProfileColumn(Column):
    """Tells staff which experts referral suggestions cannot find: no keywords, no fields."""

    def __init__(self):
        super().__init__("profile_gaps", label=_("紹介候補に出るための情報"))

    def get_value(self, instance):
        gaps = instance.profile_gaps
        if not gaps:
            return _("十分")
        return _("不足：{gaps}").format(gaps="・".join(gaps))


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
        "keywords",
        "email",
        "photo",
        "expertise",
        "user",
        "is_public",
        "is_active",
    ]
    list_display = ["name", "affiliation", "title", "is_public", "is_active", ThinProfileColumn()]
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
        "keywords",
        "website",
        "email",
        "logo",
        "expertise",
        "is_public",
        "is_active",
    ]
    list_display = ["name", "kind", "is_public", "is_active", ThinProfileColumn()]
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


class VocabularyEntryViewSet(ModelViewSet):
    """The words requesters type and the words experts use, read by referral suggestions."""

    edit_view_class = HistoryEditView
    model = VocabularyEntry
    icon = "doc-full"
    menu_label = _("紹介候補の語彙")
    name = "suggestion_vocabulary"
    form_fields = ["label", "requester_words", "expert_words", "is_active"]
    list_display = ["label", "requester_words", "expert_words", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["label", "requester_words", "expert_words"]
    copy_view_enabled = False


class PartnersGroup(ViewSetGroup):
    menu_label = _("アドバイザー・パートナー")
    menu_icon = "group"
    menu_order = 200
    items = (
        AdvisorViewSet,
        PartnerCompanyViewSet,
        MembershipViewSet,
        ExpertiseAreaViewSet,
        VocabularyEntryViewSet,
    )
