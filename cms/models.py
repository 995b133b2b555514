from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The portal's front page."""

    lead = models.CharField(_("リード文"), max_length=255, blank=True)
    intro = RichTextField(_("センターの紹介"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("lead"), FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("lead"), index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("トップページ")


class ConsultationPage(Page):
    """The consultation page: the flow, the purpose-of-use notice and the intake form."""

    intro = RichTextField(_("はじめに"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    is_consultation = True

    class Meta:
        verbose_name = _("相談申込ページ")

    def serve(self, request, *args, **kwargs):
        from cases.views import consultation

        return consultation(request, page=self)
