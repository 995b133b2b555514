"""The seminar pages: the index, and a seminar's page in one language (it presents a `Seminar`,
or every date of a `SeminarProgramme`; its translations present the same one)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from common.search import BIGRAMS, JapaneseSearchMixin

from .models import Seminar, SeminarFormat, SeminarProgramme


class SeminarIndexPage(JapaneseSearchMixin, Page):
    """Lists upcoming and past seminars."""

    search_fields = [*Page.search_fields, BIGRAMS]

    intro = RichTextField(_("はじめに"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["events.SeminarPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("セミナー一覧ページ")


class SeminarPage(JapaneseSearchMixin, Page):
    """A seminar's page in one language: what it is about, for whom, its materials.

    The seminar itself (date, venue, seats, registration) is the `Seminar` it points to; its
    translations point to the same one. A programme's page (`programme`) presents every date
    of the programme instead, and a person registers for one of them.
    """

    Format = SeminarFormat

    seminar = models.ForeignKey(
        Seminar,
        verbose_name=_("日程・会場"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pages",
    )
    programme = models.ForeignKey(
        SeminarProgramme,
        verbose_name=_("シリーズ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pages",
        help_text=_("複数の日程・会場があるときは、日程・会場の代わりにシリーズを選びます。"),
    )
    summary = models.TextField(_("概要"), blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(form_classname="title", label=_("見出し"))),
            ("paragraph", blocks.RichTextBlock(label=_("本文"))),
        ],
        verbose_name=_("本文"),
        blank=True,
    )
    target_audience = models.CharField(_("対象"), max_length=200, blank=True)
    materials = StreamField(
        [("document", DocumentChooserBlock(label=_("資料")))],
        verbose_name=_("資料"),
        blank=True,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("seminar"), FieldPanel("programme")],
            heading=_("日時・会場"),
        ),
        FieldPanel("target_audience"),
        FieldPanel("body"),
        FieldPanel("materials"),
    ]
    search_fields = [
        *Page.search_fields,
        BIGRAMS,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["events.SeminarIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("セミナー")

    def clean(self):
        super().clean()
        if (self.seminar_id is None) == (self.programme_id is None):
            raise ValidationError(
                {"seminar": _("日程・会場かシリーズのどちらか一方を選んでください。")}
            )

    def dates(self) -> list[Seminar]:
        """The seminar's dates: its own, or every date of its programme."""
        if self.programme_id:
            return list(self.programme.seminars.order_by("starts_at", "pk"))
        return [self.seminar] if self.seminar_id else []

    def first_date(self) -> "Seminar | None":
        """The date the page shows first: the next one still to come, else the last."""
        dates = self.dates()
        now = timezone.now()
        return next((s for s in dates if s.ends_at >= now), dates[-1] if dates else None)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        seminar = self.first_date()
        context["seminar"] = seminar
        context["attendance"] = seminar.attendance() if seminar and seminar.is_past else None
        return context
