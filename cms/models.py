import functools

from modelcluster.fields import ParentalManyToManyField

from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, get_page_models
from wagtail.search import index
from wagtail.url_routing import RouteResult

from common.models import Municipality
from common.search import BIGRAMS, JapaneseSearchMixin
from common.vocab import Category, RequesterType
from partners.models import Advisor, PartnerCompany

from .blocks import FaqItemBlock, FeatureBlock, LinkBlock, body_blocks

PAGE_SIZE = 20


def paginate(request, items, per_page: int = PAGE_SIZE):
    """One page of items from ?page=N (out-of-range numbers give the last page)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@functools.cache
def _plain_routing() -> bool:
    """No page type below the home page routes its own sub-paths (Wagtail's `route` as is)."""
    return all(model.route is Page.route for model in get_page_models() if model is not HomePage)


class HomePage(JapaneseSearchMixin, Page):
    """The portal's front page."""

    lead = models.CharField(_("リード文"), max_length=255, blank=True)
    intro = RichTextField(_("センターの紹介"), blank=True)
    features = StreamField(
        [("feature", FeatureBlock())], verbose_name=_("センターの取組"), blank=True
    )
    consult_text = models.CharField(
        _("相談ボタンの説明"),
        max_length=200,
        blank=True,
        help_text=_("相談ボタンの上に表示する一文"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("lead"),
        FieldPanel("intro"),
        FieldPanel("consult_text"),
        FieldPanel("features"),
    ]
    search_fields = [
        *Page.search_fields,
        BIGRAMS,
        index.SearchField("lead"),
        index.SearchField("intro"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.StandardPage",
        "cms.NewsIndexPage",
        "cms.CaseStudyIndexPage",
        "cms.AdvisorDirectoryPage",
        "cms.PartnerDirectoryPage",
        "cms.ConsultationPage",
        "cms.FaqPage",
        "events.SeminarIndexPage",
        "appointments.SessionsPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("トップページ")

    def route(self, request, path_components):
        """The page at the path in two queries (the page, its specific row), not two per level:
        Wagtail walks the tree slug by slug, but no page type here routes its own sub-paths, so
        the page whose url_path is the path is the one Wagtail would find."""
        if path_components and _plain_routing():
            url_path = self.url_path + "/".join(path_components) + "/"
            page = Page.objects.filter(url_path=url_path, path__startswith=self.path).first()
            if page is not None:
                page = page.specific
                if page.live:
                    return RouteResult(page)
                raise Http404
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from .selectors import home_sections  # selectors imports these models

        context = super().get_context(request, *args, **kwargs)
        context.update(home_sections(self))
        return context


class StandardPage(JapaneseSearchMixin, Page):
    """A page of text: about the center, privacy policy, accessibility policy, etc."""

    intro = models.TextField(_("リード文"), blank=True)
    body = StreamField(body_blocks(), verbose_name=_("本文"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        BIGRAMS,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("標準ページ")


class SectionPage(JapaneseSearchMixin, Page):
    """A section of the site right below the home page, once: a lead text over a listing."""

    intro = models.TextField(_("リード文"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, BIGRAMS]
    parent_page_types = ["cms.HomePage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True


class NewsIndexPage(SectionPage):
    """お知らせ: the news pages below it, newest first."""

    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("お知らせ一覧ページ")

    def get_context(self, request, *args, **kwargs):
        from .selectors import news_for_index  # selectors imports these models

        context = super().get_context(request, *args, **kwargs)
        context["news"] = paginate(request, news_for_index(self))
        return context


class NewsPage(JapaneseSearchMixin, Page):
    """One news item (お知らせ)."""

    date = models.DateField(_("掲載日"), default=timezone.localdate)
    summary = models.TextField(_("概要"), blank=True, help_text=_("一覧とトップページに表示"))
    body = StreamField(body_blocks(), verbose_name=_("本文"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        BIGRAMS,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("お知らせ")
        ordering = ["-date"]


class CaseStudyIndexPage(SectionPage):
    """事例集: case studies below it, filtered by category and industry."""

    subpage_types = ["cms.CaseStudyPage"]

    class Meta:
        verbose_name = _("事例集ページ")

    def get_context(self, request, *args, **kwargs):
        # selectors imports these models: looked up when used
        from .selectors import case_studies_for_index

        context = super().get_context(request, *args, **kwargs)
        category = request.GET.get("category", "")
        industry = request.GET.get("industry", "")
        if category not in Category.values:
            category = ""
        studies, industries = case_studies_for_index(self, category=category, industry=industry)
        if industry not in industries:
            industry = ""
        context.update(
            {
                "studies": paginate(request, studies),
                "categories": Category.choices,
                "industries": industries,
                "selected_category": category,
                "selected_industry": industry,
                "filtered": bool(category or industry),
            }
        )
        return context


class CaseStudyPage(JapaneseSearchMixin, Page):
    """One case study (事例): who asked, what about, how the center helped, what came of it."""

    requester_type = models.CharField(_("相談者区分"), max_length=20, choices=RequesterType.choices)
    category = models.CharField(_("相談内容区分"), max_length=20, choices=Category.choices)
    industry = models.CharField(_("業種"), max_length=50, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("市町"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.TextField(_("概要"), blank=True, help_text=_("一覧とトップページに表示"))
    challenge = RichTextField(_("相談内容（課題）"))
    support = RichTextField(_("センターの支援"))
    result = RichTextField(_("成果"), blank=True)
    advisors = ParentalManyToManyField(
        Advisor, verbose_name=_("関わったアドバイザー"), blank=True, related_name="+"
    )
    partners = ParentalManyToManyField(
        PartnerCompany, verbose_name=_("関わったパートナー"), blank=True, related_name="+"
    )
    featured = models.BooleanField(_("トップページに掲載"), default=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("requester_type"), FieldPanel("category")]),
                FieldRowPanel([FieldPanel("industry"), FieldPanel("municipality")]),
            ],
            heading=_("相談者と区分"),
        ),
        FieldPanel("summary"),
        FieldPanel("challenge"),
        FieldPanel("support"),
        FieldPanel("result"),
        FieldPanel("advisors"),
        FieldPanel("partners"),
        FieldPanel("featured"),
    ]
    search_fields = [
        *Page.search_fields,
        BIGRAMS,
        index.SearchField("summary"),
        index.SearchField("industry"),
        index.SearchField("challenge"),
        index.SearchField("support"),
        index.SearchField("result"),
        index.FilterField("category"),
        index.FilterField("industry"),
    ]
    parent_page_types = ["cms.CaseStudyIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("事例")
        verbose_name_plural = _("事例")


class DirectoryPage(SectionPage):
    """A public list of one kind of partner (``directory_kind``), filtered by expertise."""

    directory_kind = ""

    search_fields = [*SectionPage.search_fields, index.SearchField("intro")]
    subpage_types = []

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        from .selectors import directory  # selectors imports these models

        context = super().get_context(request, *args, **kwargs)
        context.update(directory(self.directory_kind, request.GET.get("expertise", "")))
        return context


class AdvisorDirectoryPage(DirectoryPage):
    """The public list of みえDXアドバイザー, filtered by expertise."""

    directory_kind = "advisors"

    class Meta:
        verbose_name = _("アドバイザー一覧ページ")


class PartnerDirectoryPage(DirectoryPage):
    """The public list of みえDXパートナー (companies), filtered by expertise."""

    directory_kind = "companies"

    class Meta:
        verbose_name = _("パートナー一覧ページ")


class FaqPage(JapaneseSearchMixin, Page):
    """よくある質問."""

    intro = models.TextField(_("リード文"), blank=True)
    items = StreamField([("faq", FaqItemBlock())], verbose_name=_("質問と回答"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("items")]
    search_fields = [
        *Page.search_fields,
        BIGRAMS,
        index.SearchField("intro"),
        index.SearchField("items"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("よくある質問ページ")


class ConsultationPage(JapaneseSearchMixin, Page):
    """The consultation page: the flow, the purpose-of-use notice and the intake form."""

    intro = RichTextField(_("はじめに"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, BIGRAMS, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("相談申込ページ")

    def serve(self, request, *args, **kwargs):
        try:
            # Optional: the intake form lives in the cases app; without it the intro stands alone.
            from cases.views import consultation
        except ImportError:  # the intake form lives in the cases app; the intro stands alone
            return super().serve(request, *args, **kwargs)
        return consultation(request, page=self)


class FooterLinks(BaseSiteSetting):
    """Links in the footer (privacy policy, accessibility policy, site map...)."""

    links = StreamField([("link", LinkBlock())], verbose_name=_("リンク"), blank=True)

    panels = [FieldPanel("links")]

    class Meta:
        verbose_name = _("フッターのリンク")
